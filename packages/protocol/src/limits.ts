/** Every numeric limit of the wire contract (../shared/API.md), in one place. */
export const limits = {
  eventNamePattern: /^[a-z][a-z0-9_]{0,63}$/,
  propertyKeyPattern: /^[A-Za-z0-9_]{1,128}$/,
  maxProperties: 100,
  maxDataBytes: 32 * 1024,
  maxStringLength: 2048,
  floatDecimals: 6,
  maxIdempotencyKeyLength: 128,
  /** A stored user agent: the body's `user_agent`, and the User-Agent header of a beacon, cut to this length. */
  maxUserAgentLength: 1024,
  maxBatchEvents: 500,
  maxBatchBytes: 1024 * 1024,
  maxBeaconBytes: 64 * 1024,
  maxEventBytes: 128 * 1024,
  maxBeaconEvents: 500,
  defaultPageSize: 50,
  maxPageSize: 100,
  /**
   * An event listing counts its matches exactly up to this many (or up to the end of the page asked for, if
   * further); beyond, X-Total-Count says this number and X-Total-Count-Capped: true. Counting a million rows costs
   * 50–100 ms on every page; counting ten thousand, under one.
   */
  maxExactCount: 10_000,
  /** Nesting of a JSON body (objects and arrays): deeper bodies are refused before they are parsed. */
  maxJsonDepth: 32,
  emailOpenWindowMs: 20 * 60 * 1000,
} as const;
