// fakewatch UI: upload progress and run progress. Plain JS, no inline handlers (the CSP forbids them).
"use strict";

function watchUpload() {
  const form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest) return;
  const bar = document.getElementById("upload-progress");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false;
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    });
    xhr.addEventListener("load", () => {
      if (xhr.status === 200 && xhr.responseURL && !xhr.responseURL.endsWith("/upload")) {
        window.location.assign(xhr.responseURL);  // the run page the server redirected to
      } else {
        document.open();
        document.write(xhr.responseText);  // the upload page again, with the server's error message
        document.close();
      }
    });
    xhr.send(new FormData(form));
  });
}

function watchJob() {
  const box = document.getElementById("job");
  const finished = (status) => status === "done" || status === "partial" || status === "failed";
  if (!box || finished(box.dataset.status)) return;
  const show = (job) => {
    document.getElementById("job-status").textContent = job.status;
    document.getElementById("job-stage").textContent = job.stage || "";
    document.getElementById("job-count").textContent = job.total ? `${job.done} / ${job.total}` : `${job.done}`;
    const bar = document.getElementById("job-progress");
    if (job.total) { bar.max = job.total; bar.value = job.done; } else { bar.removeAttribute("value"); }
    if (job.error) {
      const err = document.getElementById("job-error");
      err.textContent = job.error;
      err.hidden = false;
    }
    if (job.status === "done" || job.status === "partial") {
      bar.max = 1; bar.value = 1;
      document.getElementById("job-done").hidden = false;
    }
    if (job.refused && job.refused.length) {  // a distinct state: finished, but not on every input
      const list = document.getElementById("job-refused-list");
      list.replaceChildren(...job.refused.map((line) => {
        const item = document.createElement("li");
        const code = document.createElement("code");
        code.textContent = line;  // file names come from the uploader: text, never markup
        item.append(code);
        return item;
      }));
      document.getElementById("job-refused").hidden = false;
      bar.classList.add("partial");
    }
    box.dataset.status = job.status;
  };
  const poll = () => {
    fetch(box.dataset.jobUrl, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((job) => {
        show(job);
        if (!finished(job.status)) setTimeout(poll, 1000);
      })
      .catch(() => setTimeout(poll, 3000));
  };
  poll();
}

document.addEventListener("DOMContentLoaded", () => {
  watchUpload();
  watchJob();
});
