// The filters of `citc doc html`: hide the instance types and preferences
// they leave out. Everything else on the page is static HTML.
"use strict";
(function () {
  const filters = document.getElementById("filter-form");
  if (!filters) {
    return;
  }
  const all = (selector) => Array.from(document.querySelectorAll(selector));
  const field = (id) => document.getElementById(id);
  const types = all("details.instancetype");
  const preferences = all("details.preference");
  const cells = all("a[data-instancetype]");
  const status = field("filter-status");
  const number = (id) => {
    const value = field(id).value;
    return value === "" ? null : Number(value);
  };
  const inRange = (value, min, max) =>
    (min === null || value >= min) && (max === null || value <= max);

  function apply() {
    const text = field("search").value.trim().toLowerCase();
    const cpuMin = number("cpu-min");
    const cpuMax = number("cpu-max");
    const memoryMin = number("memory-min");
    const memoryMax = number("memory-max");
    const arch = field("arch").value;
    const features = all("input[name^=feature-]:checked").map((input) => input.value);
    const chosen = field("preference").value;
    const preference = preferences.find((element) => element.dataset.name === chosen);
    const named = (element) =>
      text === "" ||
      element.dataset.name.toLowerCase().includes(text) ||
      element.dataset.title.toLowerCase().includes(text);

    const shown = new Set();
    for (const type of types) {
      const cpu = Number(type.dataset.cpu);
      const memory = Number(type.dataset.memory);
      const has = type.dataset.features.split(" ");
      let keep =
        named(type) &&
        inRange(cpu, cpuMin, cpuMax) &&
        inRange(memory, memoryMin, memoryMax) &&
        features.every((feature) => has.includes(feature));
      if (preference) {
        keep =
          keep &&
          cpu >= Number(preference.dataset.requiredCpu) &&
          memory >= Number(preference.dataset.requiredMemory);
      }
      type.hidden = !keep;
      if (keep) {
        shown.add(type.dataset.name);
      }
    }
    for (const cell of cells) {
      cell.hidden = !shown.has(cell.dataset.instancetype);
    }
    let preferencesShown = 0;
    for (const element of preferences) {
      // A VM of at most the chosen size must meet the requirements.
      const keep =
        named(element) &&
        (arch === "" || element.dataset.arch === "" || element.dataset.arch === arch) &&
        (cpuMax === null || Number(element.dataset.requiredCpu) <= cpuMax) &&
        (memoryMax === null || Number(element.dataset.requiredMemory) <= memoryMax);
      element.hidden = !keep;
      if (keep) {
        preferencesShown += 1;
      }
    }
    status.textContent =
      "Showing " + shown.size + " of " + types.length + " instance types and " +
      preferencesShown + " of " + preferences.length + " preferences.";
  }

  function clear() {
    for (const input of filters.querySelectorAll("input, select")) {
      if (input.type === "checkbox") {
        input.checked = false;
      } else {
        input.value = "";
      }
    }
    apply();
  }

  filters.addEventListener("input", apply);
  filters.addEventListener("change", apply);
  field("clear-filters").addEventListener("click", clear);
  apply();
})();
