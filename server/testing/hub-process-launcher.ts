import { spawn, type ChildProcess } from "node:child_process";
import readline from "node:readline";
import { projectRoot } from "../paths";

/**
 * Starts hub-process.ts (a hub in its own process, for tests that kill it) on `dataDir` with `env`, adds it to
 * `children` for the test's cleanup, and resolves with its MQTT port once it says it is ready (20 s at most).
 */
export async function startHubProcess(children: ChildProcess[], dataDir: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; mqttPort: number }> {
  const args = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const child = spawn(process.execPath, ["--import", "tsx", "server/testing/hub-process.ts", dataDir, ...args], { cwd: projectRoot(), stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  const lines = readline.createInterface({ input: child.stdout });
  const ready = await new Promise<{ mqttPort: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("hub process did not start in 20 s")), 20_000);
    lines.once("line", (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as { mqttPort: number });
    });
    child.once("exit", (code) => reject(new Error(`hub process exited with ${code}`)));
  });
  return { child, mqttPort: ready.mqttPort };
}
