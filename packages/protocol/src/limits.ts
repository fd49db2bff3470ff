/**
 * Every limit of the wire contract (../shared/API.md), in one place; `limits.<name>` through the package index.
 * Plain named constants, no zod: the browser tracker imports this file (`@tracklet/protocol/limits`), and its
 * bundler keeps only the constants it uses.
 */
export const eventNamePattern = /^[a-z][a-z0-9_]{0,63}$/;
export const propertyKeyPattern = /^[A-Za-z0-9_]{1,128}$/;
/** Keys of `click_ids` (gclid, fbclid, …), an extension to the contract (README). */
export const clickIdKeyPattern = /^[a-z_]{2,32}$/;
export const maxClickIds = 20;
export const maxProperties = 100;
export const maxDataBytes = 32 * 1024;
export const maxStringLength = 2048;
export const floatDecimals = 6;
export const maxIdempotencyKeyLength = 128;
/** Text fields of an event: `url`, `referrer`, `resource_url` and a touch's url and referrer. */
export const maxUrlLength = 2048;
export const maxTitleLength = 1024;
/** Each `utm_*` value, and each click id's value. */
export const maxUtmLength = 512;
export const maxResourceUidLength = 256;
export const maxResourceNameLength = 512;
/** `anonymous_id` and `session_id`. */
export const maxVisitorIdLength = 128;
export const maxEmailLength = 320;
export const maxPhoneLength = 64;
export const maxExternalIdLength = 256;
/** An API key as sent in a beacon's `key`. */
export const maxKeyLength = 128;
/** A stored user agent: the body's `user_agent`, and the User-Agent header of a beacon, cut to this length. */
export const maxUserAgentLength = 1024;
export const maxBatchEvents = 500;
export const maxBatchBytes = 1024 * 1024;
export const maxBeaconBytes = 64 * 1024;
export const maxEventBytes = 128 * 1024;
export const maxBeaconEvents = 500;
export const defaultPageSize = 50;
export const maxPageSize = 100;
/**
 * An event listing counts its matches exactly up to this many (or up to the end of the page asked for, if
 * further); beyond, X-Total-Count says this number and X-Total-Count-Capped: true. Counting a million rows costs
 * 50–100 ms on every page; counting ten thousand, under one.
 */
export const maxExactCount = 10_000;
/** Nesting of a JSON body (objects and arrays): deeper bodies are refused before they are parsed. */
export const maxJsonDepth = 32;
export const emailOpenWindowMs = 20 * 60 * 1000;
export const maxAccountNameLength = 200;
export const maxAllowedOrigins = 100;
export const maxAllowedEvents = 1000;
