/* The progress of a CSV import on its page (templates/admin/actors/actor/import_job.html).
 *
 * The worker previews or imports the file in the background and records its progress in the database.
 * This script polls the job's JSON status and moves the <progress> bar and its text; once the worker
 * has finished, it reloads the page, which then shows the preview or the report. Without JavaScript,
 * the page's "Refresh" link does the same by hand. */
(function () {
  "use strict";

  var box = document.querySelector("[data-import-status-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-import-status-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-import-progress-text]");

  function show(status) {
    if (status.total) {
      bar.max = status.total;
      bar.value = status.done;
      bar.textContent = status.done + " / " + status.total;
    }
    if (text.textContent !== status.text) { text.textContent = status.text; }
  }

  function poll() {
    window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
}());
