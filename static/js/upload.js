// Resumable video upload over tus 1.0 (core, creation, termination), for the share page.
// The form works without this script (a plain multipart post); with it, the bytes travel
// in chunks while the teacher fills in the details, and a dropped connection or a closed
// tab resumes where it stopped: the upload URL is remembered per file in localStorage.

const CHUNK_BYTES = 8 * 1024 * 1024;
const RETRY_DELAYS_MS = [1000, 3000, 5000, 10000, 20000, 30000];

const form = document.getElementById("upload-form");
const input = document.getElementById("file");

if (form && input) {
  const ui = {
    box: document.getElementById("upload-progress"),
    name: document.getElementById("upload-name"),
    percent: document.getElementById("upload-percent"),
    bar: document.getElementById("upload-bar"),
    detail: document.getElementById("upload-detail"),
    cancel: document.getElementById("upload-cancel"),
    uploadId: document.getElementById("upload_id"),
    submit: document.getElementById("upload-submit"),
    note: document.getElementById("submit-note"),
    drop: document.getElementById("drop-zone"),
  };
  let current = null;
  let submitWhenDone = false;

  input.addEventListener("change", () => {
    if (input.files.length) start(input.files[0]);
  });
  for (const type of ["dragenter", "dragover"]) {
    ui.drop.addEventListener(type, (event) => { event.preventDefault(); ui.drop.classList.add("dragging"); });
  }
  for (const type of ["dragleave", "drop"]) {
    ui.drop.addEventListener(type, () => ui.drop.classList.remove("dragging"));
  }
  ui.drop.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer.files.length) start(event.dataTransfer.files[0]);
  });
  ui.cancel.addEventListener("click", () => current && current.cancel());

  form.addEventListener("submit", (event) => {
    if (current && !current.done) {
      event.preventDefault();
      submitWhenDone = true;
      ui.note.textContent = "Your video is still uploading. The form is sent as soon as it finishes.";
      ui.submit.disabled = true;
    }
  });

  function start(file) {
    if (current) current.cancel({ keepServerCopy: true });
    const max = Number(form.dataset.maxBytes);
    if (file.size > max) {
      show(file, `This file is ${mb(file.size)} MB; the limit is ${mb(max)} MB.`);
      return;
    }
    current = new TusUpload(file, form.dataset.uploadEndpoint, form.dataset.csrf, {
      progress: (sent, total, bytesPerSecond) => render(file, sent, total, bytesPerSecond),
      finished: (id) => {
        ui.uploadId.value = id;
        input.value = ""; // the bytes are on the server: do not post them again
        ui.detail.textContent = "Upload complete.";
        ui.cancel.hidden = true;
        if (submitWhenDone) form.requestSubmit();
      },
      failed: (message) => {
        ui.detail.textContent = message;
        ui.submit.disabled = false;
        submitWhenDone = false;
      },
    });
    show(file, "Starting…");
    current.run();
  }

  function show(file, text) {
    ui.box.hidden = false;
    ui.cancel.hidden = false;
    ui.name.textContent = file.name;
    ui.detail.textContent = text;
  }

  function render(file, sent, total, bytesPerSecond) {
    const percent = total ? Math.floor((sent / total) * 100) : 0;
    ui.bar.value = percent;
    ui.bar.textContent = `${percent}%`;
    ui.percent.textContent = `${percent}%`;
    if (bytesPerSecond > 0 && sent < total) {
      const seconds = (total - sent) / bytesPerSecond;
      ui.detail.textContent = `${mb(sent)} of ${mb(total)} MB · ${mb(bytesPerSecond)} MB/s · about ${duration(seconds)} left`;
    }
  }
}

function mb(bytes) {
  return (bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0);
}

function duration(seconds) {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${Math.round(seconds % 60)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function base64(text) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

export class TusUpload {
  constructor(file, endpoint, csrfToken, callbacks) {
    this.file = file;
    this.endpoint = endpoint;
    this.csrfToken = csrfToken;
    this.callbacks = callbacks;
    this.storageKey = `tus:${file.name}:${file.size}:${file.lastModified}`;
    this.done = false;
    this.cancelled = false;
    this.xhr = null;
    this.samples = [];
  }

  headers(extra = {}) {
    return { "Tus-Resumable": "1.0.0", "X-CSRFToken": this.csrfToken, ...extra };
  }

  async run() {
    let attempt = 0;
    while (!this.cancelled && !this.done) {
      try {
        this.url = this.url || (await this.resumeUrl()) || (await this.create());
        let offset = await this.offset();
        while (offset < this.file.size && !this.cancelled) {
          offset = await this.send(offset);
          attempt = 0;
        }
        if (!this.cancelled) this.finish();
      } catch (error) {
        if (this.cancelled) return;
        if (error.permanent || attempt >= RETRY_DELAYS_MS.length) {
          this.callbacks.failed(error.message || "The upload failed. Choose the file again to resume.");
          return;
        }
        this.callbacks.failed(`Connection lost; retrying in ${RETRY_DELAYS_MS[attempt] / 1000} s…`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
        attempt += 1;
      }
    }
  }

  async resumeUrl() {
    const url = localStorage.getItem(this.storageKey);
    if (!url) return null;
    const response = await fetch(url, { method: "HEAD", headers: this.headers(), credentials: "same-origin" });
    if (response.ok) return url;
    localStorage.removeItem(this.storageKey);
    return null;
  }

  async create() {
    const metadata = `filename ${base64(this.file.name)},filetype ${base64(this.file.type || "application/octet-stream")}`;
    const response = await fetch(this.endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: this.headers({ "Upload-Length": String(this.file.size), "Upload-Metadata": metadata }),
    });
    if (!response.ok) throw await failure(response);
    const url = new URL(response.headers.get("Location"), window.location.href).toString();
    localStorage.setItem(this.storageKey, url);
    return url;
  }

  async offset() {
    const response = await fetch(this.url, { method: "HEAD", headers: this.headers(), credentials: "same-origin" });
    if (!response.ok) {
      localStorage.removeItem(this.storageKey);
      this.url = null;
      throw await failure(response);
    }
    return Number(response.headers.get("Upload-Offset"));
  }

  // XMLHttpRequest, not fetch: it reports upload progress within a chunk.
  send(offset) {
    const chunk = this.file.slice(offset, offset + CHUNK_BYTES);
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      this.xhr = xhr;
      xhr.open("PATCH", this.url);
      for (const [name, value] of Object.entries(this.headers({ "Upload-Offset": String(offset) }))) {
        xhr.setRequestHeader(name, value);
      }
      xhr.setRequestHeader("Content-Type", "application/offset+octet-stream");
      xhr.upload.onprogress = (event) => this.progress(offset + event.loaded);
      xhr.onload = () => {
        if (xhr.status === 204) resolve(Number(xhr.getResponseHeader("Upload-Offset")));
        else reject(xhrFailure(xhr));
      };
      xhr.onerror = () => reject(new Error("Network error"));
      xhr.send(chunk);
    });
  }

  progress(sent) {
    const now = performance.now();
    this.samples.push([now, sent]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 5000) this.samples.shift();
    const [firstTime, firstSent] = this.samples[0];
    const rate = now > firstTime ? ((sent - firstSent) / (now - firstTime)) * 1000 : 0;
    this.callbacks.progress(sent, this.file.size, rate);
  }

  finish() {
    this.done = true;
    localStorage.removeItem(this.storageKey);
    this.progress(this.file.size);
    this.callbacks.finished(this.url.split("/").pop());
  }

  cancel({ keepServerCopy = false } = {}) {
    this.cancelled = true;
    if (this.xhr) this.xhr.abort();
    if (!keepServerCopy && this.url) {
      fetch(this.url, { method: "DELETE", headers: this.headers(), credentials: "same-origin" });
      localStorage.removeItem(this.storageKey);
    }
    this.callbacks.failed("Upload cancelled.");
  }
}

async function failure(response) {
  let message = `The server answered ${response.status}.`;
  try {
    message = (await response.json()).error.message || message;
  } catch (ignored) { /* not JSON */ }
  const error = new Error(message);
  error.permanent = response.status >= 400 && response.status < 500 && response.status !== 409 && response.status !== 423;
  return error;
}

function xhrFailure(xhr) {
  let message = `The server answered ${xhr.status}.`;
  try {
    message = JSON.parse(xhr.responseText).error.message || message;
  } catch (ignored) { /* not JSON */ }
  const error = new Error(message);
  error.permanent = xhr.status >= 400 && xhr.status < 500 && xhr.status !== 409;
  return error;
}
