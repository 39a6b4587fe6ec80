// Ticket codes, read in the browser: the format of festival/tickets/codes.py (version 1).
// 120 base32 characters -> 75 bytes: an 11-byte big-endian header, then its Ed25519 signature.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export const CODE_LENGTH = 120;
const HEADER_SIZE = 11;
const CODE_SIZE = 75;

export function looksLikeCode(text) {
  return text.trim().length === CODE_LENGTH;
}

function base32Decode(text) {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out[index++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  // The spare low bits of the last character must be zero (canonical spelling only).
  if (bits > 0 && (value & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

export function base64UrlDecode(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

// Parse without verifying: null for anything that is not a well-formed version 1 code.
export function parseCode(code) {
  const text = String(code || "").trim().toUpperCase();
  if (text.length !== CODE_LENGTH) return null;
  const raw = base32Decode(text);
  if (!raw || raw.length !== CODE_SIZE) return null;
  const view = new DataView(raw.buffer);
  if (view.getUint8(0) !== 1) return null;
  return {
    keyId: view.getUint8(1),
    editionId: view.getUint16(2),
    ticketId: view.getUint32(4),
    ticketVersion: view.getUint16(8),
    validDays: view.getUint8(10),
    header: raw.slice(0, HEADER_SIZE),
    signature: raw.slice(HEADER_SIZE),
  };
}

let nobleModule = null;

async function verifyWithNoble(nobleUrl, publicKey, signature, message) {
  nobleModule = nobleModule || (await import(nobleUrl));
  return nobleModule.verifyAsync(signature, message, publicKey);
}

// Verify an Ed25519 signature: WebCrypto where the browser has it, else vendored noble.
export async function verifySignature(publicKey, signature, message, nobleUrl) {
  try {
    const key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, [
      "verify",
    ]);
    return await crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
  } catch (error) {
    if (error && error.name === "DataError") return false; // a malformed key: nothing verifies
    return verifyWithNoble(nobleUrl, publicKey, signature, message);
  }
}
