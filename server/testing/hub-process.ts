// A hub in a child process, for tests that kill it (-9) and start it again on the same data dir.
// Prints one JSON line with its ports once it is ready.
import { startTestHub } from "./test-hub";

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write("usage: hub-process.ts <dataDir> [KEY=VALUE...]\n");
  process.exit(2);
}
const env = Object.fromEntries(process.argv.slice(3).map((kv) => kv.split("=", 2) as [string, string]));
const t = await startTestHub(env, dataDir);
process.stdout.write(`${JSON.stringify({ mqttPort: t.mqttPort, httpPort: t.httpPort })}\n`);
const stop = () => void t.stop().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
