// Progressive enhancement: refresh "seats left" next to each item while the form is open.
// The form works without it; errors are ignored (the server checks seats anyway).
(function () {
  "use strict";
  var spots = document.querySelectorAll("[data-seats-for]");
  if (!spots.length || !window.fetch) return;
  var labels = { full: document.documentElement.lang === "ar" ? "مكتمل: قائمة الانتظار"
    : document.documentElement.lang === "en" ? "Full: waiting list" : "Complet : liste d'attente" };
  function text(n) {
    var lang = document.documentElement.lang;
    if (lang === "ar") return n + " مقاعد متاحة";
    if (lang === "en") return n + (n === 1 ? " seat left" : " seats left");
    return n + (n === 1 ? " place libre" : " places libres");
  }
  function refresh() {
    fetch("/api/v1/events", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body || !body.events) return;
        body.events.forEach(function (e) {
          var spot = document.querySelector('[data-seats-for="' + e.id + '"]');
          if (!spot || e.seats_left === null || e.seats_left === undefined) return;
          spot.textContent = e.seats_left > 0 ? text(e.seats_left) : labels.full;
        });
      })
      .catch(function () {});
  }
  setInterval(refresh, 30000);
  refresh();
})();
