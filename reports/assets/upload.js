// The citizens' upload page of pbequity: lists the cycles, posts the chosen
// files to POST /api/v1/cycles/{cycle}/uploads with XMLHttpRequest (for the
// progress bar) and the token kept in sessionStorage, then shows either the
// summary of what was loaded or every row error. Everything that comes from
// a file or the server is written with textContent, never as HTML.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (!form) return;
  var msg = form.dataset;
  var lang = msg.lang === "en" ? "en" : "fa";
  var $ = function (id) { return document.getElementById(id); };
  var KEY = "pbequity.token";
  var nf = new Intl.NumberFormat(lang === "fa" ? "fa-IR" : "en-GB");

  function num(n) { return typeof n === "number" ? nf.format(n) : String(n); }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  // kindLabel names a kind as the kind selector does.
  function kindLabel(id) {
    var opts = $("kind").options;
    for (var i = 0; i < opts.length; i++) if (opts[i].value === id) return opts[i].textContent;
    return id;
  }

  function status(text) { $("status").textContent = text || ""; }

  function reset() {
    $("success").hidden = true;
    $("failure").hidden = true;
    $("datasets").textContent = "";
    $("summary").textContent = "";
    $("failure-msg").textContent = "";
    $("errors").tBodies[0].textContent = "";
    $("errors-box").hidden = true;
  }

  function fail(text) {
    status("");
    $("failure-msg").textContent = text;
    $("failure").hidden = false;
    $("failure-title").focus();
  }

  function showErrors(j) {
    var errs = j.errors || [];
    var tb = $("errors").tBodies[0];
    errs.forEach(function (e) {
      var tr = el("tr");
      tr.appendChild(el("td", e.file || ""));
      tr.appendChild(el("td", e.row ? num(e.row) : "", "n"));
      tr.appendChild(el("td", e.column || "", "c"));
      tr.appendChild(el("td", e.value === undefined ? "" : e.value, "v"));
      tr.appendChild(el("td", e.message || ""));
      tb.appendChild(tr);
    });
    $("errors-box").hidden = errs.length === 0;
    fail(num(errs.length) + " " + msg.msgProblems + (j.truncated ? " " + msg.msgTruncated : ""));
  }

  function showSuccess(j) {
    status("");
    $("summary").textContent = num(j.rows) + " " + msg.msgOkSummary;
    var box = $("datasets");
    (j.datasets || []).forEach(function (d) {
      var sec = el("div", null, "dataset");
      var t = el("table");
      var rows = [[msg.msgFile, d.file], [msg.msgKind, kindLabel(d.kind)], [msg.msgRows, num(d.rows)], [msg.msgDataset, d.dataset_id]];
      var tbody = el("tbody");
      rows.forEach(function (r) {
        var tr = el("tr");
        tr.appendChild(el("th", r[0]));
        var td = el("td", r[1]);
        if (r[0] === msg.msgRows) td.className = "n";
        tr.appendChild(td);
        tbody.appendChild(tr);
      });
      t.appendChild(tbody);
      sec.appendChild(t);
      var keys = Object.keys(d.totals || {}).sort();
      if (keys.length) {
        var tt = el("table", null, "totals");
        tt.appendChild(el("caption", msg.msgTotals));
        var head = el("thead");
        var hr = el("tr");
        hr.appendChild(el("th", msg.msgTotalKey));
        hr.appendChild(el("th", msg.msgTotal, "n"));
        head.appendChild(hr);
        tt.appendChild(head);
        var tb = el("tbody");
        keys.forEach(function (k) {
          var tr = el("tr");
          tr.appendChild(el("td", k || "—"));
          tr.appendChild(el("td", num(d.totals[k]), "n"));
          tb.appendChild(tr);
        });
        tt.appendChild(tb);
        sec.appendChild(tt);
      }
      if (d.unknown_columns && d.unknown_columns.length) {
        var p = el("p", msg.msgUnknown + " ", "note");
        d.unknown_columns.forEach(function (c, i) {
          if (i) p.appendChild(document.createTextNode("، "));
          p.appendChild(el("code", c));
        });
        sec.appendChild(p);
      }
      box.appendChild(sec);
    });
    $("success").hidden = false;
    $("success-title").focus();
  }

  function answer(xhr) {
    var j = null;
    try { j = JSON.parse(xhr.responseText); } catch (e) { j = null; }
    if (xhr.status === 201 && j) { showSuccess(j); return; }
    if (xhr.status === 422 && j && j.errors) { showErrors(j); return; }
    switch (xhr.status) {
      case 401: fail(msg.msgBadToken); return;
      case 403: fail(msg.msgForbidden); return;
      case 413: fail(msg.msgTooLarge); return;
    }
    fail((j && j.error) || (msg.msgNetwork + " (" + xhr.status + ")"));
  }

  function send(ev) {
    ev.preventDefault();
    reset();
    var token = $("token").value.trim();
    if (token) sessionStorage.setItem(KEY, token);
    var files = $("file").files;
    var cycle = $("cycle").value;
    if (!token) { fail(msg.msgNoToken); $("token").focus(); return; }
    if (!cycle) { fail(msg.msgNoCycle); $("cycle").focus(); return; }
    if (!files || !files.length) { fail(msg.msgNoFile); $("file").focus(); return; }
    var fd = new FormData();
    for (var i = 0; i < files.length; i++) fd.append("file", files[i], files[i].name);
    if ($("kind").value) fd.append("kind", $("kind").value);
    if ($("unit").value) fd.append("unit", $("unit").value);
    fd.append("lang", lang);
    if ($("anonymous").checked) fd.append("anonymous", "true");

    var bar = $("progress");
    bar.value = 0;
    bar.hidden = false;
    $("percent").textContent = "";
    $("send").disabled = true;
    status(msg.msgSending);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/cycles/" + encodeURIComponent(cycle) + "/uploads");
    xhr.setRequestHeader("Authorization", "Bearer " + token);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var pc = Math.round(100 * e.loaded / e.total);
      bar.value = pc;
      $("percent").textContent = num(pc) + (lang === "fa" ? "٪" : "%");
    });
    xhr.upload.addEventListener("load", function () {
      bar.value = 100;
      status(msg.msgChecking);
    });
    xhr.addEventListener("load", function () {
      $("send").disabled = false;
      form.dataset.done = String((Number(form.dataset.done) || 0) + 1);
      answer(xhr);
    });
    xhr.addEventListener("error", function () {
      $("send").disabled = false;
      form.dataset.done = String((Number(form.dataset.done) || 0) + 1);
      fail(msg.msgNetwork);
    });
    xhr.send(fd);
  }

  function loadCycles() {
    var want = new URLSearchParams(location.search).get("cycle");
    fetch("/api/v1/cycles", { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { cycles: [] }; })
      .then(function (j) {
        var sel = $("cycle");
        sel.textContent = "";
        (j.cycles || []).forEach(function (c) {
          var name = lang === "en" && c.name_en ? c.name_en : c.name;
          var o = el("option", (name || c.id) + " (" + c.id + ")");
          o.value = c.id;
          if (c.id === want) o.selected = true;
          sel.appendChild(o);
        });
        form.dataset.cycles = String(sel.options.length);
      }, function () { form.dataset.cycles = "0"; });
  }

  $("token").value = sessionStorage.getItem(KEY) || "";
  $("token").addEventListener("change", function () {
    sessionStorage.setItem(KEY, $("token").value.trim());
  });
  form.addEventListener("submit", send);
  loadCycles();
})();
