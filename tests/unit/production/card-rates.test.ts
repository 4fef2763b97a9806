// QA 11: the model card (GET /info, the web app) shows rates rounded, not float noise.
import { describe, expect, it } from "vitest";
import { rateOrNull } from "../../../src/production/card";

describe("model card rates", () => {
  it("rounds to 1e-6 and keeps null for missing values", () => {
    expect(rateOrNull(1 - 0.8)).toBe(0.2);
    expect(rateOrNull(0.1234567)).toBe(0.123457);
    expect(rateOrNull(0)).toBe(0);
    expect(rateOrNull(Number.NaN)).toBeNull();
    expect(rateOrNull(undefined)).toBeNull();
  });
});
