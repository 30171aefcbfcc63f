import { expect, test } from "@playwright/test";
import { HOME_NAME, OWNER } from "./fixtures/hub";

// The first journey on a fresh hub: the later projects depend on the owner created here.
test.describe.serial("first run, sign out and sign in", () => {
  test("a first visit goes to onboarding", async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/onboarding$/);
    await expect(page.getByRole("heading", { level: 1, name: "Welcome to Hearth" })).toBeVisible();
    // The device's time zone is preselected.
    await expect(page.getByLabel("Time zone")).not.toHaveValue("");
  });

  test("a bad submission shows the API's errors next to the fields", async ({ page }) => {
    await page.goto("/onboarding");
    await page.getByLabel("Full name").fill(OWNER.name);
    await page.getByLabel("Username").fill(OWNER.username);
    await page.getByLabel("Password", { exact: true }).fill("short");
    await page.getByLabel("Confirm password").fill("short");
    // Home name left empty on purpose.
    await page.getByRole("button", { name: "Create account and start" }).click();

    await expect(page.getByRole("main").getByRole("alert")).toContainText("at least 8 characters");
    await expect(page.getByLabel("Password", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Password", { exact: true })).toHaveAccessibleDescription(/at least 8 characters/);
    await expect(page.getByLabel("Home name")).toHaveAccessibleDescription(/home name is required/i);
    await expect(page).toHaveURL(/\/onboarding$/);

    const check = await page.request.get("/api/onboarding");
    expect(await check.json()).toEqual({ done: false });
  });

  test("completing onboarding lands on the home view with the home's name", async ({ page }) => {
    await page.goto("/onboarding");
    await page.getByLabel("Full name").fill(OWNER.name);
    await page.getByLabel("Username").fill(OWNER.username);
    await page.getByLabel("Password", { exact: true }).fill(OWNER.password);
    await page.getByLabel("Confirm password").fill(OWNER.password);
    await page.getByLabel("Home name").fill(HOME_NAME);
    await page.getByLabel("Time zone").fill("Europe/Berlin");
    await page.getByRole("radio", { name: /Metric/ }).check();
    await page.getByRole("button", { name: "Create account and start" }).click();

    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { level: 1, name: HOME_NAME })).toBeVisible();
    await expect(page.getByRole("banner")).toContainText(HOME_NAME);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" })).toHaveAttribute("aria-current", "page");

    const config = await page.request.get("/api/config");
    expect(config.status()).toBe(200);
    expect(await config.json()).toMatchObject({ location_name: HOME_NAME, time_zone: "Europe/Berlin" });
  });

  test("onboarding cannot run twice", async ({ page }) => {
    await page.goto("/onboarding");
    await expect(page).toHaveURL(/\/login$/);
  });

  test("log out, a wrong password is refused, then log in again", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Username").fill(OWNER.username);
    await page.getByLabel("Password", { exact: true }).fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: HOME_NAME })).toBeVisible();

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Profile" }).click();
    await expect(page).toHaveURL(/\/profile$/);
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/");
    await expect(page).toHaveURL(/\/login/);

    await page.getByLabel("Username").fill(OWNER.username);
    await page.getByLabel("Password", { exact: true }).fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong username or password.");
    await expect(page).toHaveURL(/\/login/);

    await page.getByLabel("Password", { exact: true }).fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { level: 1, name: HOME_NAME })).toBeVisible();
  });

  test("login returns to a same-origin ?next= path and ignores others", async ({ page }) => {
    await page.goto("/login?next=/profile");
    await page.getByLabel("Username").fill(OWNER.username);
    await page.getByLabel("Password", { exact: true }).fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/profile$/);
    await expect(page.getByRole("heading", { level: 1, name: "Profile" })).toBeVisible();

    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/login?next=//example.com/steal");
    await page.getByLabel("Username").fill(OWNER.username);
    await page.getByLabel("Password", { exact: true }).fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL("http://127.0.0.1:3391/");
  });
});
