/**
 * "Chrome on Linux" from a User-Agent header: enough for a person to recognise their own
 * devices in a session list, and no more. Order matters: Edge and Opera also say "Chrome",
 * Chrome also says "Safari", Android also says "Linux", iPadOS may say "Macintosh".
 */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = browserOf(userAgent);
  const system = systemOf(userAgent);
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? (system ? `Browser on ${system}` : 'Unknown device');
}

function browserOf(ua: string): string | undefined {
  if (/\bEdg(e|A|iOS)?\//.test(ua)) return 'Edge';
  if (/\b(OPR|Opera)\//.test(ua)) return 'Opera';
  if (/\bSamsungBrowser\//.test(ua)) return 'Samsung Internet';
  if (/\b(Firefox|FxiOS)\//.test(ua)) return 'Firefox';
  if (/\b(HeadlessChrome|Chrome|Chromium|CriOS)\//.test(ua)) return 'Chrome';
  if (/\bVersion\/[\d.]+.*\bSafari\//.test(ua)) return 'Safari';
  return undefined;
}

function systemOf(ua: string): string | undefined {
  if (/\bWindows\b/.test(ua)) return 'Windows';
  if (/\bAndroid\b/.test(ua)) return 'Android';
  if (/\biPad\b/.test(ua)) return 'iPad';
  if (/\b(iPhone|iPod)\b/.test(ua)) return 'iPhone';
  if (/\bCrOS\b/.test(ua)) return 'ChromeOS';
  if (/\bMac OS X\b|\bMacintosh\b/.test(ua)) return 'macOS';
  if (/\bLinux\b/.test(ua)) return 'Linux';
  return undefined;
}
