// The chat page. Plain JavaScript, no framework, no build step.
// Everything that comes from a person or a document is put on the page with textContent, never
// innerHTML: a question or a document containing "<script>" is shown as text.
"use strict";

(function () {
  const chat = document.getElementById("chat");
  const form = document.getElementById("ask-form");
  const input = document.getElementById("question");
  const send = document.getElementById("send");
  const welcome = document.getElementById("welcome");
  const STORAGE_KEY = "hoidap.conversation_id";

  let conversationId = sessionStorage.getItem(STORAGE_KEY);

  // ------------------------------------------------------------------ small DOM helpers
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function scrollToEnd() {
    window.scrollTo({ top: document.body.scrollHeight, behavior: "smooth" });
  }

  function addMessage(kind, text) {
    const message = el("div", "msg " + kind);
    const bubble = el("div", "bubble", text);
    message.appendChild(bubble);
    chat.appendChild(message);
    scrollToEnd();
    return { message, bubble };
  }

  // "2024-06-03" → "03/06/2024", "2026-01" → "01/2026", "2026" stays.
  function formatDate(iso) {
    if (!iso) return null;
    const parts = String(iso).split("-");
    return parts.reverse().join("/");
  }

  // ------------------------------------------------------------------ citations
  function citationDetails(citation) {
    const box = el("div", "citation");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "Trích dẫn [" + citation.n + "]");
    const facts = el("dl");
    const rows = [
      ["Văn bản", citation.title || citation.source],
      ["Số", citation.doc_number],
      ["Ngày", formatDate(citation.issued)],
      ["Mục", citation.section],
      ["Tệp", citation.source],
    ];
    for (const [label, value] of rows) {
      if (!value) continue;
      facts.appendChild(el("dt", null, label));
      facts.appendChild(el("dd", null, value));
    }
    box.appendChild(facts);
    box.appendChild(el("blockquote", "quote", citation.quote));
    return box;
  }

  // One open citation per answer; pressing the open chip again closes it.
  function makeChip(citation, answer) {
    const chip = el("button", "chip", "[" + citation.n + "]");
    chip.type = "button";
    chip.dataset.n = String(citation.n);
    chip.setAttribute("aria-expanded", "false");
    chip.title = (citation.title || citation.source) + (citation.section ? " — " + citation.section : "");
    chip.addEventListener("click", function () {
      const wasOpen = answer.openN === citation.n;
      if (answer.openBox) answer.openBox.remove();
      answer.bubble.querySelectorAll(".chip").forEach(function (other) {
        other.setAttribute("aria-expanded", "false");
      });
      answer.openBox = null;
      answer.openN = null;
      if (wasOpen) return;
      const box = citationDetails(citation);
      answer.detailsSlot.appendChild(box);
      answer.openBox = box;
      answer.openN = citation.n;
      answer.bubble.querySelectorAll('.chip[data-n="' + citation.n + '"]').forEach(function (same) {
        same.setAttribute("aria-expanded", "true");
      });
    });
    return chip;
  }

  // The answer text with each [n] turned into a chip; the text around it stays text.
  function renderAnswerText(text, byNumber, answer) {
    const container = el("div", "answer-text");
    const pattern = /\[(\d+)\]/g;
    let last = 0;
    let match;
    while ((match = pattern.exec(text)) !== null) {
      container.appendChild(document.createTextNode(text.slice(last, match.index)));
      const citation = byNumber.get(Number(match[1]));
      container.appendChild(citation ? makeChip(citation, answer) : document.createTextNode(match[0]));
      last = pattern.lastIndex;
    }
    container.appendChild(document.createTextNode(text.slice(last)));
    return container;
  }

  // ------------------------------------------------------------------ feedback
  function feedbackBar(answerId) {
    const bar = el("div", "feedback");
    bar.appendChild(el("span", null, "Có hữu ích không?"));
    const status = el("span", "feedback-status");
    const buttons = [];
    for (const [helpful, label, name] of [[true, "👍 Có", "Hữu ích"], [false, "👎 Chưa", "Chưa hữu ích"]]) {
      const button = el("button", null, label);
      button.type = "button";
      button.dataset.helpful = String(helpful);
      button.setAttribute("aria-label", name);
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", async function () {
        buttons.forEach(function (b) { b.disabled = true; });
        try {
          const response = await fetch("/v1/feedback", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ answer_id: answerId, helpful: helpful }),
          });
          if (!response.ok) throw await errorMessage(response);
          buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
          status.textContent = "Cảm ơn bạn đã phản hồi!";
        } catch (error) {
          status.textContent = String(error.message || error);
        } finally {
          buttons.forEach(function (b) { b.disabled = false; });
        }
      });
      buttons.push(button);
      bar.appendChild(button);
    }
    bar.appendChild(status);
    return bar;
  }

  // ------------------------------------------------------------------ answers
  function renderAnswer(data) {
    const { message, bubble } = addMessage(data.answerable ? "bot" : "bot refusal");
    bubble.textContent = "";
    const answer = { bubble, openBox: null, openN: null, detailsSlot: el("div", "details") };
    const byNumber = new Map(data.citations.map(function (c) { return [c.n, c]; }));

    if (data.interpreted_question) {
      bubble.appendChild(el("p", "interpreted", "Hiểu câu hỏi là: " + data.interpreted_question));
    }
    bubble.appendChild(renderAnswerText(data.answer, byNumber, answer));
    // An opened citation shows right under the answer text, where the chip was tapped.
    bubble.appendChild(answer.detailsSlot);

    if (data.citations.length) {
      const sources = el("div", "sources");
      sources.appendChild(el("p", "sources-title", data.answerable ? "Nguồn:" : "Đoạn gần nhất (tham khảo):"));
      for (const citation of data.citations) {
        const row = el("div", "source-row");
        row.appendChild(makeChip(citation, answer));
        const label = el("span", "label", citation.title || citation.source);
        row.appendChild(label);
        sources.appendChild(row);
      }
      bubble.appendChild(sources);
    }
    bubble.appendChild(feedbackBar(data.answer_id));
    message.dataset.answerId = data.answer_id;
    scrollToEnd();
  }

  async function errorMessage(response) {
    try {
      const body = await response.json();
      if (body && body.error && body.error.message) return new Error(body.error.message);
    } catch (_) { /* not JSON */ }
    return new Error("Máy chủ trả lỗi " + response.status + ". Hãy thử lại sau.");
  }

  async function ask(question) {
    if (welcome) welcome.remove();
    addMessage("user", question);
    const pending = addMessage("bot pending", "Đang tìm trong văn bản…");
    send.disabled = true;
    try {
      const response = await fetch("/v1/ask", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question: question, conversation_id: conversationId, top_k: 5 }),
      });
      if (!response.ok) throw await errorMessage(response);
      const data = await response.json();
      conversationId = data.conversation_id;
      sessionStorage.setItem(STORAGE_KEY, conversationId);
      pending.message.remove();
      renderAnswer(data);
    } catch (error) {
      pending.message.remove();
      const failure = error instanceof TypeError ? "Không kết nối được máy chủ. Hãy kiểm tra mạng và thử lại." : error.message;
      addMessage("bot error", failure);
    } finally {
      send.disabled = false;
      input.focus();
    }
  }

  // ------------------------------------------------------------------ wiring
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const question = input.value.trim();
    if (!question || send.disabled) return;
    input.value = "";
    input.style.height = "";
    ask(question);
  });

  // Enter sends, Shift+Enter makes a new line (as in chat apps).
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", function () {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 140) + "px";
  });

  // Inside the widget's panel (which shows its own title bar) the page's title and tagline are hidden.
  if (window.location.pathname === "/embed") document.body.classList.add("embedded");

  // The widget (/embed?suggest=…&suggest=…) brings the ward's own starting questions.
  const custom = new URLSearchParams(window.location.search).getAll("suggest")
    .map(function (s) { return s.trim().slice(0, 200); }).filter(Boolean).slice(0, 5);
  if (custom.length) {
    const box = document.querySelector(".examples");
    box.textContent = "";
    custom.forEach(function (text) {
      const button = el("button", "example", text);
      button.type = "button";
      box.appendChild(button);
    });
  }

  document.querySelectorAll(".example").forEach(function (button) {
    button.addEventListener("click", function () { ask(button.textContent); });
  });

  // A QR code on a poster opens the page as /?q=<question>: the question is filled in, not sent,
  // so the person reads it and presses Gửi themselves.
  const suggested = new URLSearchParams(window.location.search).get("q");
  if (suggested && suggested.trim()) {
    input.value = suggested.trim().slice(0, 2000);
  }

  document.getElementById("new-chat").addEventListener("click", function () {
    conversationId = null;
    sessionStorage.removeItem(STORAGE_KEY);
    chat.querySelectorAll(".msg").forEach(function (m) { m.remove(); });
    input.focus();
  });
})();
