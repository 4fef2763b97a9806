// `npm run demo`: the plugin's main jobs, run headless on the demo vault — what a new user
// sees first. It reuses the CLI commands, so the demo shows exactly what they print.
import path from "node:path";
import { run as listTimestamps } from "./timestamps";

export async function run(args: string[]): Promise<number> {
  const vault = args[0] ?? "demo-vault";
  process.stdout.write(`\n# Timestamps in ${vault} and the videos they seek\n\n`);
  const timestampsCode = await listTimestamps([vault]);
  const dataset = path.join(vault, "Fashion");
  process.stdout.write(`\n# Training a classifier on ${dataset}\n\n`);
  const { run: train } = await import("./train");
  const trainCode = await train([dataset, "--epochs", "5"]);
  return Math.max(timestampsCode, trainCode);
}
