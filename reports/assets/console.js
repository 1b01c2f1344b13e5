// The SQL console of pbequity: runs analysts' statements through
// POST /api/v1/query with the token kept in sessionStorage. Everything that
// comes from data is written with textContent, never as HTML.
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root) return;
  var msg = root.dataset;
  var $ = function (id) { return document.getElementById(id); };
  var KEY = "pbequity.token";
  var loaded = null; // {name, sql} of the saved query in the editor

  function token() { return sessionStorage.getItem(KEY) || ""; }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function showError(text) {
    var e = $("error");
    e.textContent = text;
    e.hidden = !text;
  }

  function status(text) { $("status").textContent = text || ""; }

  function api(method, path, body, accept) {
    var t = token();
    if (!t) return Promise.reject(new Error(msg.msgNoToken));
    var opt = { method: method, headers: { "Authorization": "Bearer " + t, "Accept": accept || "application/json" } };
    if (body) {
      opt.headers["Content-Type"] = "application/json";
      opt.body = JSON.stringify(body);
    }
    return fetch(path, opt).then(function (r) {
      if (r.ok) return r;
      return r.json().then(function (j) { throw new Error(j.error || (msg.msgFailed + " " + r.status)); },
        function () { throw new Error(msg.msgFailed + " " + r.status); });
    });
  }

  function request() {
    var params = {};
    var cycle = $("cycle").value.trim();
    if (cycle) params.cycle = cycle;
    var sql = $("sql").value;
    if (loaded && sql === loaded.sql) return { saved: loaded.name, params: params };
    return { sql: sql, params: params };
  }

  function renderResult(res) {
    var box = $("result");
    box.textContent = "";
    var table = el("table");
    var thead = el("thead");
    var hr = el("tr");
    res.columns.forEach(function (c) {
      var th = el("th", c.name);
      th.title = c.type;
      if (/INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/.test(c.type)) th.className = "n";
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    table.appendChild(thead);
    var tbody = el("tbody");
    res.rows.forEach(function (row) {
      var tr = el("tr");
      row.forEach(function (v, i) {
        var text = v === null ? "NULL" : (typeof v === "object" ? JSON.stringify(v) : String(v));
        var td = el("td", text);
        if (/INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/.test(res.columns[i].type)) td.className = "n";
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    box.appendChild(table);
    status(res.row_count + " " + msg.msgRows + " · " + res.elapsed_ms + " " + msg.msgMs +
      (res.truncated ? " " + msg.msgTruncated : ""));
  }

  function run() {
    showError("");
    $("result").textContent = ""; // an old result must not sit under a new error
    status(msg.msgRunning);
    api("POST", "/api/v1/query", request()).then(function (r) { return r.json(); })
      .then(renderResult, function (e) { status(""); showError(e.message); });
  }

  function download(kind) {
    showError("");
    status(msg.msgRunning);
    var accept = kind === "csv" ? "text/csv" : "application/json";
    api("POST", "/api/v1/query", request(), accept).then(function (r) { return r.blob(); })
      .then(function (blob) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = "pbequity-query." + kind;
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
        status("");
      }, function (e) { status(""); showError(e.message); });
  }

  function loadSaved() {
    api("GET", "/api/v1/queries").then(function (r) { return r.json(); }).then(function (j) {
      var ul = $("saved");
      ul.textContent = "";
      j.queries.forEach(function (q) {
        var li = el("li");
        var b = el("button", msg.lang === "en" ? (q.title || q.name) : (q.title_fa || q.title || q.name));
        b.type = "button";
        b.addEventListener("click", function () {
          $("sql").value = q.sql;
          loaded = { name: q.name, sql: q.sql };
          showError("");
        });
        li.appendChild(b);
        var d = msg.lang === "en" ? q.description : (q.description_fa || q.description);
        if (d) {
          li.appendChild(document.createTextNode(" — "));
          var span = el("span", d);
          span.dir = "auto"; // an English description in the Persian page keeps its own direction
          li.appendChild(span);
        }
        if (q.params && q.params.length) {
          li.appendChild(el("code", " (" + msg.msgParams + ": " + q.params.map(function (p) { return p.name; }).join(", ") + ")"));
        }
        ul.appendChild(li);
      });
    }, function (e) { showError(e.message); });
  }

  function loadSchema() {
    api("GET", "/api/v1/schema").then(function (r) { return r.json(); }).then(function (j) {
      var box = $("schema");
      box.textContent = "";
      j.tables.forEach(function (t) {
        var d = el("details");
        var s = el("summary");
        s.appendChild(el("code", t.name));
        s.appendChild(document.createTextNode(" (" + t.columns.length + ")"));
        s.addEventListener("dblclick", function () { insert(t.name); });
        d.appendChild(s);
        var ul = el("ul");
        t.columns.forEach(function (c) {
          var li = el("li");
          var code = el("code", c.name);
          code.addEventListener("click", function () { insert(c.name); });
          li.appendChild(code);
          li.appendChild(document.createTextNode(" " + c.type + (c.nullable ? "" : " NOT NULL")));
          ul.appendChild(li);
        });
        d.appendChild(ul);
        box.appendChild(d);
      });
    }, function (e) { showError(e.message); });
  }

  function loadCycles() {
    fetch("/api/v1/cycles", { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { cycles: [] }; })
      .then(function (j) {
        var dl = $("cycles");
        dl.textContent = "";
        (j.cycles || []).forEach(function (c, i) {
          var o = document.createElement("option");
          o.value = c.id;
          dl.appendChild(o);
          if (i === 0 && !$("cycle").value) $("cycle").value = c.id;
        });
      }, function () {});
  }

  function insert(text) {
    var ta = $("sql");
    var s = ta.selectionStart, e = ta.selectionEnd;
    ta.value = ta.value.slice(0, s) + text + ta.value.slice(e);
    ta.selectionStart = ta.selectionEnd = s + text.length;
    ta.focus();
  }

  function start() {
    if (!token()) return;
    $("token").value = token();
    loadSaved();
    loadSchema();
  }

  $("token-save").addEventListener("click", function () {
    sessionStorage.setItem(KEY, $("token").value.trim());
    showError("");
    start();
  });
  $("run").addEventListener("click", run);
  $("dl-csv").addEventListener("click", function () { download("csv"); });
  $("dl-json").addEventListener("click", function () { download("json"); });
  $("sql").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); run(); }
  });
  loadCycles();
  start();
})();
