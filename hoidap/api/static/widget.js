// The embeddable chat widget: one line on the ward's website,
//   <script src="https://<host>/widget.js" data-title="Hỏi đáp chính sách y tế" data-color="#0b5cad"
//           data-suggestions="Câu hỏi 1|Câu hỏi 2" defer></script>
// adds a round chat button; it opens the service's chat page (/embed) in an iframe.
// Why an iframe inside a closed shadow root: the shadow root keeps the host page's CSS away from
// the button and panel (and ours away from the page); the iframe runs the chat on the service's
// own origin, so its scripts, storage and API calls never touch the host page (no CORS needed,
// the host page's CSP/scripts cannot read the conversation). Embedding is allowed only for the
// origins in HOIDAP_WIDGET_ORIGINS (CSP frame-ancestors on /embed).
"use strict";

(function () {
  const script = document.currentScript;
  if (!script || !script.src) return;
  const service = new URL(script.src).origin;
  const data = script.dataset;
  const title = (data.title || "Hỏi đáp chính sách").slice(0, 80);
  const color = /^#[0-9a-fA-F]{3,8}$/.test(data.color || "") ? data.color : "#0b5cad";
  const suggestions = (data.suggestions || "").split("|").map(function (s) { return s.trim(); })
    .filter(Boolean).slice(0, 5);

  const host = document.createElement("div");
  host.setAttribute("data-hoidap-widget", "");
  // all: initial stops inherited host styles at the boundary; the rest lives in the shadow root.
  host.style.cssText = "all: initial; position: fixed; right: 16px; bottom: 16px; z-index: 2147483000;";
  const root = host.attachShadow({ mode: "closed" });

  const style = document.createElement("style");
  style.textContent = [
    ":host { all: initial; }",
    "* { box-sizing: border-box; font-family: system-ui, 'Segoe UI', Roboto, 'Noto Sans', sans-serif; }",
    ".launcher { width: 56px; height: 56px; border-radius: 50%; border: 0; cursor: pointer; color: #fff;",
    "  background: var(--c); box-shadow: 0 4px 14px rgba(0,0,0,.25); font-size: 26px; line-height: 56px; }",
    ".panel { position: absolute; right: 0; bottom: 68px; width: min(380px, calc(100vw - 32px));",
    "  height: min(600px, calc(100vh - 100px)); background: #fff; border-radius: 12px; overflow: hidden;",
    "  box-shadow: 0 8px 30px rgba(0,0,0,.3); display: flex; flex-direction: column; }",
    ".panel[hidden] { display: none; }",
    ".bar { background: var(--c); color: #fff; display: flex; align-items: center; justify-content: space-between;",
    "  padding: 8px 12px; font-size: 15px; font-weight: 600; }",
    ".close { background: transparent; border: 0; color: #fff; font-size: 22px; cursor: pointer; line-height: 1; }",
    "iframe { border: 0; width: 100%; flex: 1; }",
  ].join("\n");

  const launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "launcher";
  launcher.textContent = "💬";
  launcher.setAttribute("aria-label", title);
  launcher.title = title;

  const panel = document.createElement("div");
  panel.className = "panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", title);
  const bar = document.createElement("div");
  bar.className = "bar";
  const heading = document.createElement("span");
  heading.textContent = title;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "close";
  close.textContent = "×";
  close.setAttribute("aria-label", "Đóng");
  bar.append(heading, close);
  panel.appendChild(bar);

  let frame = null;
  function open() {
    if (!frame) {
      const params = new URLSearchParams();
      suggestions.forEach(function (s) { params.append("suggest", s); });
      frame = document.createElement("iframe");
      frame.title = title;
      frame.src = service + "/embed" + (suggestions.length ? "?" + params.toString() : "");
      panel.appendChild(frame);
    }
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
  }
  function hide() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }
  launcher.addEventListener("click", function () { panel.hidden ? open() : hide(); });
  close.addEventListener("click", hide);

  host.style.setProperty("--c", color);
  root.append(style, panel, launcher);
  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
