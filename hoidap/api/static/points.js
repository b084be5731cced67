// The talking-points page: POST /v1/talking-points, render with textContent only (no HTML from the server).
"use strict";

(function () {
  const form = document.getElementById("points-form");
  const input = document.getElementById("topic");
  const status = document.getElementById("points-status");
  const list = document.getElementById("points");

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render(result) {
    list.replaceChildren();
    if (!result.points.length) {
      status.textContent = result.message || "Không có điểm nào.";
      return;
    }
    status.textContent = "";
    for (const point of result.points) {
      const item = element("li");
      item.appendChild(element("p", "point-text", point.text));
      const sources = element("ul", "point-sources");
      for (const citation of point.citations) {
        const source = element("li");
        const number = citation.doc_number ? " số " + citation.doc_number : "";
        source.appendChild(element("span", "", citation.doc_title + number + (citation.section ? " — mục " + citation.section : "")));
        source.appendChild(element("blockquote", "", citation.quote));
        sources.appendChild(source);
      }
      item.appendChild(sources);
      list.appendChild(item);
    }
  }

  async function makePoints(topic) {
    status.textContent = "Đang lập điểm tuyên truyền…";
    list.replaceChildren();
    try {
      const response = await fetch("/v1/talking-points", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ topic: topic, max_points: 7 }),
      });
      const body = await response.json();
      if (!response.ok) {
        status.textContent = (body.error && body.error.message) || "Có lỗi, hãy thử lại.";
        return;
      }
      render(body);
    } catch (error) {
      status.textContent = "Không kết nối được với máy chủ. Hãy kiểm tra mạng rồi thử lại.";
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const topic = input.value.trim();
    if (topic) makePoints(topic);
  });
  for (const button of document.querySelectorAll(".example")) {
    button.addEventListener("click", function () {
      input.value = button.textContent;
      makePoints(button.textContent);
    });
  }
})();
