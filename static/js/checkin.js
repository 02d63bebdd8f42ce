/* The check-in page at the door (templates/admin/events/event/checkin.html).
 *
 * Without JavaScript each "Present" / "Absent" button is a form: POST, then the page comes back at the
 * same person. With it, the same POST goes through fetch (CSRF token from the form), the line and the
 * counts are updated in place, and the search box filters the list as one types. */
(function () {
  "use strict";

  if (!window.fetch || !window.FormData) { return; }
  var counts = document.querySelector("[data-checkin-counts]");

  function showCounts(values) {
    Object.keys(values).forEach(function (key) {
      var cell = counts && counts.querySelector('[data-count="' + key + '"]');
      if (cell) { cell.textContent = String(values[key]); }
    });
  }

  function showPerson(item, result) {
    var state = result.attended === true ? "present" : result.attended === false ? "absent" : "unknown";
    item.setAttribute("data-attended", state);
    item.querySelector(".checkin-present").setAttribute("aria-pressed", String(state === "present"));
    item.querySelector(".checkin-absent").setAttribute("aria-pressed", String(state === "absent"));
    item.querySelector("[data-checkin-state]").textContent = result.label;
  }

  document.querySelectorAll("form[data-checkin-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var item = form.closest(".checkin-person");
      item.setAttribute("data-saving", "");
      window.fetch(form.action || window.location.pathname, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value
        }
      })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (result) {
          item.removeAttribute("data-saving");
          showPerson(item, result);
          showCounts(result.counts);
        })
        .catch(function () {
          item.removeAttribute("data-saving");
          form.submit();  // fall back to the plain form: the page will say what happened
        });
    });
  });

  var filter = document.querySelector("[data-checkin-filter]");
  if (filter) {
    filter.addEventListener("input", function () {
      var words = filter.value.trim().toLowerCase();
      document.querySelectorAll(".checkin-person").forEach(function (item) {
        item.hidden = words !== "" && item.getAttribute("data-name").indexOf(words) === -1;
      });
    });
  }
}());
