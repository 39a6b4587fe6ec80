// The door's decision without the network, from the offline pack: the same rules as
// checkin/services.check_in, on what the scanner holds (public keys, revocations, bookings).
// The server re-decides every queued scan when it syncs; this only lets the queue move.

import { base64UrlDecode, looksLikeCode, parseCode, verifySignature } from "./codes.js";
import { admissionKey, getAdmission } from "./store.js";

export function dayInZone(date, timeZone) {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(date);
}

function dayIndex(day, startsOn) {
  return Math.round((Date.parse(day) - Date.parse(startsOn)) / 86400000);
}

function normaliseShortCode(text) {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

async function claimFromCode(code, pack, nobleUrl) {
  const claim = parseCode(code);
  if (!claim || claim.editionId !== pack.edition.id) return null;
  const key = pack.public_keys.find((k) => k.key_id === claim.keyId);
  if (!key) return null;
  const ok = await verifySignature(
    base64UrlDecode(key.public_key),
    claim.signature,
    claim.header,
    nobleUrl,
  );
  return ok ? claim : null;
}

// A typed short code is looked up in the pack: it carries no signature of its own.
function claimFromShortCode(text, pack) {
  const short = normaliseShortCode(text);
  const ticket = pack.tickets.find((t) => t.short_code === short);
  if (!ticket) return null;
  return { ticketId: ticket.ticket_id, ticketVersion: ticket.version, validDays: 0xff };
}

function revocationResult(claim, pack) {
  const entry = pack.revocations.find((r) => r.ticket_id === claim.ticketId);
  if (!entry) return null;
  if (entry.valid_version === null) return "cancelled";
  return entry.valid_version === claim.ticketVersion ? null : "revoked";
}

function bookingResult(ticket, checkpoint) {
  if (checkpoint.kind !== "event") return null;
  const booking = ticket && ticket.bookings.find((b) => b.event_id === checkpoint.event_id);
  if (!booking) return "not_booked";
  if (booking.status === "waitlisted") return "waitlisted";
  if (booking.status === "cancelled") return "cancelled";
  return null;
}

async function firstEntry(claim, pack, day) {
  // As on the server: one admission per (ticket, checkpoint, day).
  const checkpoint = pack.checkpoint;
  const key = admissionKey(checkpoint.id, claim.ticketId, day);
  const local = await getAdmission(key);
  if (local) return { key, first: { at: local.at, checkpoint_id: checkpoint.id, device: local.device } };
  const known = pack.admissions.find((a) => a.ticket_id === claim.ticketId && a.day === day);
  return { key, first: known ? { at: known.first_at, checkpoint_id: checkpoint.id } : null };
}

// Decide one scan offline: {result, attendee?, bookings?, first_entry?, admission_key?}.
export async function decideOffline(code, pack, now, nobleUrl) {
  const claim = looksLikeCode(code)
    ? await claimFromCode(code, pack, nobleUrl)
    : claimFromShortCode(code, pack);
  if (!claim) return { result: "invalid" };
  const ticket = pack.tickets.find((t) => t.ticket_id === claim.ticketId);
  const attendee = ticket ? { name: ticket.name, group_size: ticket.group_size } : undefined;
  const refused = revocationResult(claim, pack);
  if (refused) return { result: refused, attendee };
  const day = dayInZone(now, pack.edition.timezone);
  const index = dayIndex(day, pack.edition.starts_on);
  if (index < 0 || index > 7 || !((claim.validDays >> index) & 1) || day > pack.edition.ends_on) {
    return { result: "wrong_day", attendee };
  }
  const notBooked = bookingResult(ticket, pack.checkpoint);
  if (notBooked) return { result: notBooked, attendee };
  const bookings = ticket ? ticket.bookings : undefined;
  const { key, first } = await firstEntry(claim, pack, day);
  if (first) return { result: "already_checked_in", attendee, bookings, first_entry: first };
  return { result: "ok", attendee, bookings, admission_key: key, ticket_id: claim.ticketId };
}

// The key under which an online "ok" is remembered, so that a later offline scan is orange.
export function admissionKeyFor(code, pack, now) {
  const claim = looksLikeCode(code) ? parseCode(code) : claimFromShortCode(code, pack);
  if (!claim) return null;
  return admissionKey(pack.checkpoint.id, claim.ticketId, dayInZone(now, pack.edition.timezone));
}
