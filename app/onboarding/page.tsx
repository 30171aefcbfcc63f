import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { hub } from "../_lib/hub";
import { AuthShell } from "../_components/app-shell";
import { OnboardingForm } from "../_components/onboarding-form";

export const metadata: Metadata = { title: "Welcome" };

export default async function OnboardingPage() {
  const api = await hub();
  if (!api.auth.needsOnboarding()) redirect("/");
  return (
    <AuthShell>
      <h1 className="auth-title">Welcome to Hearth</h1>
      <p className="auth-lead">Let’s set up your hub. You’ll be its owner, and you can add devices right after.</p>
      <OnboardingForm />
    </AuthShell>
  );
}
