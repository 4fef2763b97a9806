// Where a CLI command writes: stdout for results, stderr for progress and errors. Tests pass
// their own to capture both.

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stderr is a terminal (progress is then redrawn in place). */
  errIsTty?: boolean;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTty: process.stderr.isTTY === true,
};
