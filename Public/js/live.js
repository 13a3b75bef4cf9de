// Live updates for Lectern's pages: one WebSocket to /live per page. Every page works without this module; with it,
// parts of the page marked `data-live="<topics>"` (each with an id) are fetched again and swapped in when an event
// arrives on one of their topics, the notification count follows the inbox, and a short notice appears in a polite
// ARIA live region. Nothing here moves focus, and a part that holds the focus waits until the focus leaves it.
// Protocol: see README ("Live updates").

const signedIn = document.querySelector('.site-nav a[href="/notifications"]') !== null;
const parts = () => Array.from(document.querySelectorAll("[data-live][id]"));
const topicsOf = (element) => element.dataset.live.split(/\s+/).filter(Boolean);

const topics = new Set(parts().flatMap(topicsOf));
if (signedIn) topics.add("me");
else topics.delete("me");
for (const topic of Array.from(topics)) if (topic.startsWith("reviews") && !signedIn) topics.delete(topic);

// The last event id seen on each topic: a reconnect asks each topic for everything after it, so nothing is missed or
// shown twice. A topic's events come in order; different topics' may interleave.
const lastIDs = new Map();
let attempts = 0;
let socket = null;
// Close codes after which reconnecting would only be refused again (1008, 1009: this page's own fault; 4001: a token).
const final = new Set([1008, 1009, 4001]);

const region = document.createElement("div");
region.className = "live-notices";
region.setAttribute("role", "status");
region.setAttribute("aria-live", "polite");
document.body.append(region);

function connect() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const opened = Date.now();
  socket = new WebSocket(`${scheme}//${location.host}/live`);
  socket.addEventListener("open", () => {
    for (const topic of topics) {
      const command = { type: "subscribe", topic };
      if (lastIDs.has(topic)) command.after = lastIDs.get(topic);
      socket.send(JSON.stringify(command));
    }
  });
  socket.addEventListener("message", (message) => {
    let data;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    if (data.type === "subscribed") {
      if (!lastIDs.has(data.topic) || data.position > lastIDs.get(data.topic)) lastIDs.set(data.topic, data.position);
      // Away too long to be told each change: what the topic shows is fetched again.
      if (data.reset) receive({ topic: data.topic });
    } else if (data.type === "event") {
      lastIDs.set(data.topic, Math.max(lastIDs.get(data.topic) ?? 0, data.id));
      receive(data);
    }
  });
  socket.addEventListener("close", (event) => {
    socket = null;
    if (final.has(event.code)) return;
    // A connection that lasted starts the backoff again; one closed at once (a refusal, a restart) waits longer
    // each time, with jitter, so a restarted server is not met by every browser at the same instant.
    if (Date.now() - opened > 30000) attempts = 0;
    const base = event.code === 4029 ? 30000 : 1000;
    const delay = Math.min(60000, base * 2 ** attempts) * (0.5 + Math.random() / 2);
    attempts = Math.min(attempts + 1, 6);
    setTimeout(connect, delay);
  });
}

function receive(event) {
  if (event.topic === "me") {
    if (typeof event.unread === "number") showCount(event.unread);
    if (event.notice) notify(event.notice);
  }
  const due = parts().filter(
    (part) => topicsOf(part).includes(event.topic) && (event.topic !== "me" || !part.dataset.course || part.dataset.course === event.course),
  );
  // A course's followers may be many: spread their fetches over a second or so.
  if (due.length) refresh(due, event.topic === "me" || event.topic.startsWith("reviews") ? 100 : 200 + Math.random() * 1000);
}

const waiting = new Set();
let timer = null;
let fetching = false;

function refresh(due, delay) {
  for (const part of due) waiting.add(part.id);
  if (timer === null && !fetching) timer = setTimeout(fetchParts, delay);
}

// One fetch at a time, so an older copy of the page never replaces a newer one.
async function fetchParts() {
  timer = null;
  fetching = true;
  const ids = Array.from(waiting);
  waiting.clear();
  try {
    await swap(ids);
  } finally {
    fetching = false;
    if (waiting.size) timer = setTimeout(fetchParts, 100);
  }
}

async function swap(ids) {
  let fresh;
  try {
    // The header tells the server this is no visit: a one-time notice waiting for the next page stays for it.
    const response = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html", "X-Lectern-Live": "1" } });
    if (!response.ok) return;
    fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  } catch {
    return;
  }
  for (const id of ids) {
    const old = document.getElementById(id);
    const replacement = fresh.getElementById(id);
    if (!old || !replacement) continue;
    if (edited(old)) continue; // never throw away what someone typed or chose: the page shows the rest at the next load
    if (old.contains(document.activeElement)) {
      // Swapping would drop the focus: wait until it leaves.
      old.addEventListener("focusout", () => refresh([old], 0), { once: true });
      continue;
    }
    if (old.tagName === "DETAILS" && old.open) replacement.open = true;
    old.replaceWith(document.adoptNode(replacement));
  }
}

function edited(part) {
  return Array.from(part.querySelectorAll("input, textarea, select")).some((field) => {
    if (field.type === "hidden") return false;
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") return Array.from(field.options).some((option) => option.selected !== option.defaultSelected);
    return field.value !== field.defaultValue;
  });
}

function showCount(unread) {
  for (const holder of document.querySelectorAll('.site-nav a[href="/notifications"], .site-nav .nav-menu > summary')) {
    let count = holder.querySelector(".nav-count");
    if (unread === 0) {
      count?.remove();
      continue;
    }
    if (!count) {
      count = document.createElement("span");
      count.className = "nav-count";
      holder.append(" ", count);
    }
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = holder.tagName === "SUMMARY" ? " unread notifications" : " unread";
    count.replaceChildren(String(unread), hidden);
  }
}

function notify(notice) {
  const item = document.createElement("p");
  item.className = "live-notice";
  const link = document.createElement("a");
  link.href = `/notifications/${notice.id}`;
  link.textContent = notice.text;
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "live-notice-close";
  dismiss.setAttribute("aria-label", "Dismiss");
  dismiss.textContent = "×";
  dismiss.addEventListener("click", () => item.remove());
  item.append(link, dismiss);
  region.append(item);
  while (region.children.length > 3) region.firstElementChild.remove();
  // The inbox keeps it; the notice goes after a while unless it is being read or used.
  setTimeout(function fade() {
    if (item.matches(":hover") || item.contains(document.activeElement)) setTimeout(fade, 5000);
    else item.remove();
  }, 15000);
}

if (topics.size && "WebSocket" in window) connect();
