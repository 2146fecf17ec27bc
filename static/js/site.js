/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // Forms that ask before they submit (removing a member, …).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Changing a select that others depend on (city → county) clears them before any request is made.
  document.addEventListener("change", function (event) {
    var selector = event.target.dataset && event.target.dataset.clears;
    if (selector) {
      document.querySelectorAll(selector).forEach(function (dependent) { dependent.value = ""; });
    }
  }, true);

  // Fields that apply only to some choices (the highest price of a range, the scope of a licence):
  // data-show-when="<field name>=<value>,<value>" hides the element while the field holds another value.
  function syncConditionalFields(root) {
    (root || document).querySelectorAll("[data-show-when]").forEach(function (element) {
      var rule = element.dataset.showWhen.split("=");
      var form = element.closest("form");
      var field = form && form.querySelector("[name='" + rule[0] + "']");
      if (field) {
        element.hidden = rule[1].split(",").indexOf(field.value) === -1;
      }
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.form && event.target.form.querySelector("[data-show-when]")) {
      syncConditionalFields(event.target.form);
    }
  });
  document.addEventListener("DOMContentLoaded", function () { syncConditionalFields(document); });

  // Filter forms leave empty fields out of the address htmx requests and pushes.
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("[data-drop-empty]");
    var data = event.detail.formData;
    if (!form || !data) {
      return;
    }
    Array.from(new Set(data.keys())).forEach(function (name) {
      if (data.getAll(name).every(function (value) { return value === ""; })) {
        data.delete(name);
      }
    });
  });

  // The language switcher returns to the address htmx pushed, not the one the page was loaded at.
  function syncLanguageNext() {
    document.querySelectorAll("input[name=next][data-current-path]").forEach(function (input) {
      input.value = window.location.pathname + window.location.search;
    });
  }
  document.addEventListener("htmx:pushedIntoHistory", syncLanguageNext);
  document.addEventListener("htmx:historyRestore", syncLanguageNext);

  // A table wider than the screen scrolls inside its .table-responsive wrapper (site.css): the
  // wrapper then takes the keyboard focus, so the hidden columns can be reached without a mouse, and
  // is announced as a region named after its card.
  function markScrollingTables(root) {
    (root || document).querySelectorAll(".table-responsive").forEach(function (wrapper) {
      if (wrapper.scrollWidth <= wrapper.clientWidth) {
        wrapper.removeAttribute("tabindex");
        return;
      }
      wrapper.tabIndex = 0;
      if (!wrapper.hasAttribute("aria-label") && !wrapper.hasAttribute("aria-labelledby")) {
        var card = wrapper.closest(".card");
        var title = card && card.querySelector(".card-title");
        var heading = title || document.querySelector("h1");
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", heading ? heading.textContent.trim() : "");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { markScrollingTables(document); });
  document.addEventListener("htmx:afterSettle", function (event) { markScrollingTables(event.detail.elt); });
  window.addEventListener("resize", function () { markScrollingTables(document); });

  // Bar chart of institutions per region (Apache ECharts); the table beside it has the same numbers.
  function networkChart(element) {
    var source = document.getElementById(element.dataset.chartSource);
    if (!source || !window.echarts) {
      return;
    }
    var rows = JSON.parse(source.textContent).slice().reverse();
    element.style.height = Math.max(220, rows.length * 30 + 70) + "px";
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      color: ["#206bc4", "#79a6dc"],
      legend: { top: 0, data: [element.dataset.labelInstitutions, element.dataset.labelTransfer] },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category",
        data: rows.map(function (row) { return row.name; }),
        axisLabel: { width: 110, overflow: "truncate" },
      },
      series: [
        {
          name: element.dataset.labelInstitutions,
          type: "bar",
          data: rows.map(function (row) { return row.institutions; }),
        },
        {
          name: element.dataset.labelTransfer,
          type: "bar",
          data: rows.map(function (row) { return row.transfer; }),
        },
      ],
    });
    chart.on("click", function (params) {
      var row = rows[params.dataIndex];
      if (row && row.url) {
        window.location.href = row.url;
      }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart=network]").forEach(networkChart);
  });

  // Print buttons (a catalogue, a registration certificate).
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });

  // A contract's technical amount: the contract amount less its non-technical costs, as typed.
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    var output = form && form.querySelector("[data-technical-amount]");
    if (!output || !event.target.matches("[data-amount]")) {
      return;
    }
    var contract = form.querySelector("[data-amount=contract]");
    var costs = form.querySelector("[data-amount=non-technical]");
    var value = (parseFloat(contract && contract.value) || 0) - (parseFloat(costs && costs.value) || 0);
    output.textContent = value < 0 ? "—" : value.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  });

  // Formsets (owners, contributors): "add a row" clones the empty form, so several rows are saved in
  // one submit. Without JavaScript the page still offers one empty row per save.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-formset-add]").forEach(function (button) {
      button.hidden = false;
      var hint = document.querySelector("[data-formset-hint='" + button.dataset.formsetAdd + "']");
      if (hint) {
        hint.hidden = true;
      }
    });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-formset-add]");
    if (!button) {
      return;
    }
    var prefix = button.dataset.formsetAdd;
    var form = button.closest("form");
    var total = form.querySelector("[name='" + prefix + "-TOTAL_FORMS']");
    var template = form.querySelector("template[data-formset-template='" + prefix + "']");
    var rows = form.querySelector("[data-formset-rows='" + prefix + "']");
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, total.value).trim();
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(Number(total.value) + 1);
    syncConditionalFields(form);
    if (window.htmx) {
      window.htmx.process(row);
    }
    var first = row.querySelector("input, select");
    if (first) {
      first.focus();
    }
  });
})();
