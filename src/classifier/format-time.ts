// The epoch table's `time` column, shared by the panel's results view and the CLI. Pure.

/**
 * fastai prints an epoch's time as mm:ss; a head trains an epoch in well under a second, which
 * mm:ss shows as 00:00 every time. Under a minute the seconds are shown with decimals instead:
 * "0.42s" below 10 s, "12.3s" below a minute, then "01:05" (mm:ss), and "1:02:03" from an hour.
 * Negative or non-finite input shows as "0.00s".
 */
export function formatEpochTime(seconds: number): string {
  const s = Number.isFinite(seconds) ? Math.max(0, seconds) : 0;
  if (s < 9.995) return `${s.toFixed(2)}s`;
  if (s < 59.95) return `${s.toFixed(1)}s`;
  const total = Math.round(s);
  const mm = String(Math.floor(total / 60) % 60).padStart(2, "0");
  const ss = String(total % 60).padStart(2, "0");
  return total >= 3600 ? `${Math.floor(total / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}
