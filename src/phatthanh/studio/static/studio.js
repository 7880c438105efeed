// The studio's only script: play one sentence, and follow a build's progress stream.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const player = document.getElementById("nghe-cau");
  for (const button of document.querySelectorAll("button.play")) {
    button.addEventListener("click", () => {
      player.src = button.dataset.src;
      player.play().catch(() => {});  // a blocked autoplay leaves the player ready to press
    });
  }

  const box = document.getElementById("build-status");
  if (!box) return;
  const show = (s) => {
    document.getElementById("build-state").textContent = s.label;
    document.getElementById("build-task").textContent = s.task + (s.detail ? " · " + s.detail : "");
    const bar = document.getElementById("build-progress");
    bar.max = Math.max(s.total, 1);
    bar.value = s.done;
    const error = document.getElementById("build-error");
    error.textContent = s.error;
    error.hidden = !s.error;
  };
  const first = JSON.parse(box.dataset.status);
  show(first);
  if (first.state !== "running") return;
  const source = new EventSource(box.dataset.events);
  source.onmessage = (event) => show(JSON.parse(event.data));
  source.addEventListener("end", () => {
    source.close();
    window.location.reload();  // the finished build's renditions and chapters
  });
});
