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

// A typed short code is looked up in the pack: it carries no signature of its own. At an
// item's door the pack also lists (without names) the valid tickets not booked there.
function claimFromShortCode(text, pack) {
  const short = normaliseShortCode(text);
  const ticket = [...pack.tickets, ...(pack.unbooked || [])].find((t) => t.short_code === short);
  if (!ticket) return null;
  // As on the server, a short code is good on every day of the edition.
  return { ticketId: ticket.ticket_id, ticketVersion: ticket.version, validDays: 0xff };
}

function revocationResult(claim, pack) {
  const entry = pack.revocations.find((r) => r.ticket_id === claim.ticketId);
  if (!entry) return null;
  if (entry.valid_version === null) return "cancelled";
  return entry.valid_version === claim.ticketVersion ? null : "revoked";
}

// At an item's door (services._booking_refusal): the item must be today, the booking confirmed.
function bookingResult(ticket, checkpoint, day) {
  if (checkpoint.kind !== "event") return null;
  // A pack from before event_day existed cannot tell the day: the server will, at sync.
  if (checkpoint.event_day && checkpoint.event_day !== day) return "wrong_day";
  const booking = ticket && ticket.bookings.find((b) => b.event_id === checkpoint.event_id);
  if (!booking) return "not_booked";
  if (booking.status === "waitlisted") return "waitlisted";
  if (booking.status !== "confirmed") return "cancelled";
  return null;
}

// What this scanner knows of the ticket's admission here today: its own scans first (they are
// newer), else the pack's copy of the server's. {at, device?, inside} or null.
async function knownAdmission(key, claim, pack, day) {
  const local = await getAdmission(key);
  if (local) return local;
  const known = pack.admissions.find((a) => a.ticket_id === claim.ticketId && a.day === day);
  return known ? { at: known.first_at, inside: known.is_inside !== false } : null;
}

// Decide one scan offline: {result, attendee?, bookings?, first_entry?, admission_key?}.
// direction "out" is an exit scan at an entrance: it marks the visitor outside, so that their
// next entry the same day is green again (checkin/admissions.py: enter, leave).
export async function decideOffline(code, pack, now, nobleUrl, direction = "in") {
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
  const notBooked = bookingResult(ticket, pack.checkpoint, day);
  if (notBooked) return { result: notBooked, attendee };
  const bookings = ticket ? ticket.bookings : undefined;
  // As on the server: one admission per (ticket, checkpoint, day).
  const key = admissionKey(pack.checkpoint.id, claim.ticketId, day);
  const admission = await knownAdmission(key, claim, pack, day);
  const answer = { result: "ok", attendee, bookings, admission_key: key, ticket_id: claim.ticketId };
  if (direction === "out" || !admission || !admission.inside) return answer;
  const first = { at: admission.at, checkpoint_id: pack.checkpoint.id, device: admission.device };
  return { result: "already_checked_in", attendee, bookings, first_entry: first };
}

// How an answered scan changes what this scanner remembers of the admission (or null: no
// change). The first entry's time is kept across exits, as the server keeps first_at.
export async function admissionAfter(key, answer, scan, pack, now) {
  if (answer.result !== "ok" || !key) return null;
  const day = key.split(":")[2];
  const ticketId = Number(key.split(":")[1]);
  const before = await knownAdmission(key, { ticketId }, pack, day);
  if (scan.direction === "out") return { at: null, ...before, key, inside: false };
  const at = before && before.at ? before.at : scan.scanned_at || now.toISOString();
  const device = before && before.at ? before.device : scan.device.name;
  return { key, at, device, inside: true };
}

// The key under which an online "ok" is remembered, so that a later offline scan is orange.
export function admissionKeyFor(code, pack, now) {
  const claim = looksLikeCode(code) ? parseCode(code) : claimFromShortCode(code, pack);
  if (!claim) return null;
  return admissionKey(pack.checkpoint.id, claim.ticketId, dayInZone(now, pack.edition.timezone));
}
