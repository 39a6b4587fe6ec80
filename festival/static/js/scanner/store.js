// IndexedDB (vendored idb): the offline pack, scans waiting to be sent, local admissions.

const DB_NAME = "festival-scanner";

let dbPromise = null;

function open() {
  dbPromise =
    dbPromise ||
    window.idb.openDB(DB_NAME, 1, {
      upgrade(db) {
        db.createObjectStore("packs", { keyPath: "checkpoint.id" });
        db.createObjectStore("queue", { keyPath: "nonce" });
        db.createObjectStore("walkins", { keyPath: "nonce" });
        // key: checkpoint:ticket:day, the server's unique admission key
        db.createObjectStore("admissions", { keyPath: "key" });
      },
    });
  return dbPromise;
}

export async function savePack(pack) {
  return (await open()).put("packs", pack);
}

export async function loadPack(checkpointId) {
  return (await open()).get("packs", Number(checkpointId));
}

export async function queueScan(scan) {
  return (await open()).put("queue", scan);
}

export async function queuedScans() {
  return (await open()).getAll("queue");
}

export async function unqueueScans(nonces) {
  const tx = (await open()).transaction("queue", "readwrite");
  await Promise.all([...nonces.map((n) => tx.store.delete(n)), tx.done]);
}

export async function queueWalkIn(walkIn) {
  return (await open()).put("walkins", walkIn);
}

export async function queuedWalkIns() {
  return (await open()).getAll("walkins");
}

export async function unqueueWalkIn(nonce) {
  return (await open()).delete("walkins", nonce);
}

export async function countQueued() {
  const db = await open();
  return (await db.count("queue")) + (await db.count("walkins"));
}

export function admissionKey(checkpointId, ticketId, day) {
  return `${checkpointId}:${ticketId}:${day}`;
}

export async function getAdmission(key) {
  return (await open()).get("admissions", key);
}

export async function putAdmission(admission) {
  return (await open()).put("admissions", admission);
}

export async function deleteAdmission(key) {
  return (await open()).delete("admissions", key);
}
