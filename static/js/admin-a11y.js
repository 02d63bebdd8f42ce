/* Accessibility repairs to markup that Django's own admin scripts build (Django 5.2).
 *
 * SelectFilter2.js (the two-list picker of many-to-many fields) puts an aria-label on a bare <span>
 * icon, which ARIA forbids: the label is then ignored by some screen readers and flagged by checkers.
 * Giving the icon the "img" role makes its label a valid, announced text alternative.
 *
 * Select2 (autocomplete fields) names its combobox after the selected value only: empty when nothing
 * is chosen, and never the field's label. The combobox is named by the field's <label> and its value.
 *
 * Both widgets are built by scripts after the page loads, so new ones are repaired as they appear. */
(function () {
  "use strict";

  function labelFor(select) {
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label && !label.id) {
      label.id = select.id + "_label";
    }
    return label;
  }

  function nameSelect2(container) {
    var select = container.previousElementSibling;
    var combobox = container.querySelector('.select2-selection[role="combobox"]');
    if (!select || select.tagName !== "SELECT" || !combobox || combobox.hasAttribute("data-a11y-named")) {
      return;
    }
    var label = labelFor(select);
    if (!label) { return; }
    var rendered = combobox.querySelector(".select2-selection__rendered");
    var ids = [label.id];
    if (rendered && rendered.id) {
      ids.push(rendered.id);
      rendered.setAttribute("aria-labelledby", label.id);
    }
    combobox.setAttribute("aria-labelledby", ids.join(" "));
    combobox.setAttribute("data-a11y-named", "");
  }

  function repair(root) {
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    root.querySelectorAll(".select2-container").forEach(nameSelect2);
  }

  repair(document);
  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      mutation.addedNodes.forEach(function (node) {
        if (node.nodeType === 1) {
          repair(node.parentNode || node);
        }
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
