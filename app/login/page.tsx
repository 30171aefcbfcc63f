import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { hub } from "../_lib/hub";
import { currentPrincipal } from "../_lib/current-user";
import { AuthShell } from "../_components/app-shell";
import { LoginForm } from "../_components/login-form";

export const metadata: Metadata = { title: "Sign in" };

// Only a path on this hub: "//evil.example" and "/\evil.example" are other origins to a browser.
function safeNext(raw: string | string[] | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  if (/[\u0000-\u001f\\]/.test(value) || value.startsWith("/login")) return "/";
  return value;
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const api = await hub();
  if (api.auth.needsOnboarding()) redirect("/onboarding");
  const next = safeNext((await searchParams).next);
  // Signed in already (from where this request comes: a home-network-only session is not, from outside).
  if (await currentPrincipal(api)) redirect(next);
  const home = api.home();
  return (
    <AuthShell>
      <h1 className="auth-title">Sign in</h1>
      <p className="auth-lead">{home ? `Welcome back to ${home.locationName}.` : "Welcome back."}</p>
      <LoginForm next={next} />
    </AuthShell>
  );
}
