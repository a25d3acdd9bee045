import { describe, expect, it } from "vitest";
import { pickLanguage, supported } from "./language";

describe("pickLanguage", () => {
  it("prefers the person's own choice, then their roster locale, then the browser's languages", () => {
    expect(pickLanguage("en", "zh-CN", ["zh-CN"])).toBe("en");
    expect(pickLanguage(null, "zh-CN", ["en-US"])).toBe("zh-CN");
    expect(pickLanguage(null, null, ["fr-FR", "zh-Hans-CN"])).toBe("zh-CN");
  });

  it("skips locales the console does not speak and falls back to English", () => {
    expect(pickLanguage(null, "de-DE", ["fr-FR"])).toBe("en");
    expect(pickLanguage(null, "ja", ["en-GB"])).toBe("en");
  });
});

describe("supported", () => {
  it("maps regional and script variants to the language the console has", () => {
    expect(supported("zh")).toBe("zh-CN");
    expect(supported("zh-TW")).toBe("zh-CN");
    expect(supported("EN-au")).toBe("en");
    expect(supported("")).toBeNull();
  });
});
