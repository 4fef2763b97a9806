import { describe, expect, it } from "vitest";
import { formatTime, MAX_SECONDS, parseTime, parseTimeLine, TIME_FORMS } from "../../../src/timestamps/time";

function secondsOf(text: string): number {
  const r = parseTime(text);
  if ("error" in r) throw new Error(`expected a time for "${text}", got: ${r.error}`);
  return r.seconds;
}

function errorOf(text: string): string {
  const r = parseTime(text);
  if (!("error" in r)) throw new Error(`expected an error for "${text}", got ${r.seconds} s`);
  return r.error;
}

describe("parseTime", () => {
  it.each([
    ["0", 0],
    ["45", 45],
    ["75.5", 75.5],
    ["6:45", 405],
    ["06:45", 405],
    ["27:12", 1632],
    ["0:00", 0],
    ["61:00", 3660],
    ["120:30", 7230],
    ["1:02:03", 3723],
    ["01:02:03", 3723],
    ["00:00:10.5", 10.5],
    ["10:00:00", 36000],
    ["  06:45  ", 405],
    ["06:45.25", 405.25],
  ])("reads %s as %d s", (text, seconds) => {
    expect(secondsOf(text)).toBe(seconds);
  });

  it.each([
    ["", /empty/],
    ["   ", /empty/],
    ["-5", /negative/],
    ["-0:05", /negative/],
    ["abc", /not a time/],
    ["6m45s", /not a time/],
    ["1x:00", /not a time/],
    ["06:60", /seconds must be below 60/],
    ["1:00:75", /seconds must be below 60/],
    ["1:60:00", /minutes must be below 60/],
    ["6:5", /two digits/],
    ["1:5:00", /two digits/],
    ["1:2:3:4", /too many parts/],
    ["NaN", /not a time/],
    ["Infinity", /not a time/],
    ["1e5", /not a time/],
    [":45", /not a time/],
    ["6:", /not a time/],
    ["1.5:00", /only the seconds may have a fraction/],
    ["10.", /not a time/],
    [".5", /not a time/],
    ["1..2", /not a time/],
    ["٣:٤٥", /not a time/],
    ["1000:00:00", /too large/],
    ["99999999999", /too large/],
    ["9".repeat(40), /too long/],
  ])("refuses %j with a clear message", (text, message) => {
    expect(errorOf(text)).toMatch(message);
  });

  it("quotes the offending text in its messages", () => {
    expect(errorOf("06:61")).toContain('"06:61"');
  });

  it("accepts just under the limit", () => {
    expect(secondsOf("999:59:59")).toBe(MAX_SECONDS - 1);
  });
});

describe("formatTime", () => {
  it.each([
    [0, "0:00"],
    [5, "0:05"],
    [405, "6:45"],
    [1632, "27:12"],
    [3600, "1:00:00"],
    [3723, "1:02:03"],
    [36000, "10:00:00"],
    [10.5, "0:10.5"],
    [10.46, "0:10.5"],
    [10.04, "0:10"],
    [59.96, "1:00"],
    [3599.99, "1:00:00"],
  ])("writes %d s as %s", (seconds, text) => {
    expect(formatTime(seconds)).toBe(text);
  });

  it("round-trips through parseTime", () => {
    for (const s of [0, 1, 59, 60, 405, 1632, 3599, 3600, 3723, 86399.5, 12.3]) {
      expect(secondsOf(formatTime(s))).toBeCloseTo(s, 6);
    }
  });

  it.each([-1, NaN, Infinity, -Infinity])("marks %d as not a time", (v) => {
    expect(formatTime(v)).toBe("--:--");
  });
});

describe("parseTimeLine", () => {
  it.each([
    ["06:45", "06:45", 405, ""],
    [" 06:45 ", "06:45", 405, ""],
    ["06:45 Data cleaning", "06:45", 405, "Data cleaning"],
    ["06:45 - Data cleaning", "06:45", 405, "Data cleaning"],
    ["06:45 – Data cleaning", "06:45", 405, "Data cleaning"],
    ["06:45 — Data cleaning", "06:45", 405, "Data cleaning"],
    ["06:45 | Data cleaning", "06:45", 405, "Data cleaning"],
    ["06:45: Data cleaning", "06:45", 405, "Data cleaning"],
    ["06:45 : Data cleaning", "06:45", 405, "Data cleaning"],
    ["06:45\tData - cleaning - part 2", "06:45", 405, "Data - cleaning - part 2"],
    ["1:02:03 -", "1:02:03", 3723, ""],
    ["06:45 -5 dB", "06:45", 405, "-5 dB"],
  ])("splits %j", (line, text, seconds, label) => {
    expect(parseTimeLine(line)).toEqual({ text, seconds, label, error: null });
  });

  it("keeps the label of an invalid time and reports the time", () => {
    const r = parseTimeLine("6:75 Intro");
    expect(r.seconds).toBeNull();
    expect(r.text).toBe("6:75");
    expect(r.label).toBe("Intro");
    expect(r.error).toMatch(/below 60/);
  });

  it.each([
    ["1: 30", "1: 30", ""],
    ["12:34 : 56", "12:34 : 56", ""],
    ["12:34 :56 Intro", "12:34 :56", "Intro"],
    ["1:30 45", "1:30 45", ""],
    ["06:45: 2 cats", "06:45: 2", "cats"],
    ["75 .5", "75 .5", ""],
  ])("refuses %j, which a reader could take two ways, and shows the accepted forms", (line, text, label) => {
    const r = parseTimeLine(line);
    expect(r).toMatchObject({ text, seconds: null, label });
    expect(r.error).toBe(`"${text}" can be read two ways: ${TIME_FORMS}`);
    expect(r.error).toContain("m:ss");
  });

  it("keeps labels that start with a digit after a dash or bar", () => {
    expect(parseTimeLine("06:45 - 2 cats")).toEqual({ text: "06:45", seconds: 405, label: "2 cats", error: null });
    expect(parseTimeLine("06:45 | 30 s")).toEqual({ text: "06:45", seconds: 405, label: "30 s", error: null });
  });

  it("does not take a trailing colon for a separator without a label", () => {
    expect(parseTimeLine("06:45:").error).toMatch(/not a time/);
  });
});
