// kexie's own behaviour; no inline scripts anywhere (strict CSP).
document.addEventListener("DOMContentLoaded", () => {
  // Confirm dangerous actions: <form data-confirm="…">
  document.body.addEventListener("submit", (event) => {
    const message = event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
});

// Org tree: the first click loads a branch through htmx; later clicks only fold/unfold it.
document.addEventListener("htmx:beforeRequest", (event) => {
  const toggle = event.detail.elt;
  if (!toggle.matches("[data-toggle-branch]")) return;
  const branch = toggle.parentElement.querySelector(":scope > .branch");
  if (branch && branch.childElementCount) {
    event.preventDefault();
    branch.hidden = !branch.hidden;
    toggle.textContent = branch.hidden ? "▸" : "▾";
    toggle.setAttribute("aria-expanded", String(!branch.hidden));
  }
});
document.addEventListener("htmx:afterSwap", (event) => {
  const toggle = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (toggle && toggle.matches("[data-toggle-branch]")) {
    toggle.textContent = "▾";
    toggle.setAttribute("aria-expanded", "true");
  }
});

// Unit picker: typing again after choosing a unit drops the choice, so the form never submits a unit
// other than the one the box shows (the typed text is then looked up as a name or 机构代码).
document.addEventListener("input", (event) => {
  const box = event.target;
  if (!box.matches || !box.matches("[data-unit-picker] > input[type=search]")) return;
  const picker = box.closest("[data-unit-picker]");
  const chosen = picker.querySelector(":scope > input[type=hidden]");
  if (chosen && chosen.value) {
    chosen.value = "";
    const hint = picker.querySelector(":scope > .form-hint");
    if (hint) hint.remove();
  }
});
