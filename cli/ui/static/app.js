// The live page: subscribes to the run's messages (server-sent events), folds them into the run state and redraws
// at most once per animation frame, so a burst of messages costs one render.
import { STAGES, emptyRunState, foldMessage, reviewsInFlight } from "./run-state.js";
import { renderSequence } from "./sequence-diagram.js";
import { emptySteering, foldSteering, initSteerControls, pausedText } from "./steer.js";

const $ = (selector) => document.querySelector(selector);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

let state = null;
let steer = emptySteering();
let source = null;
let frame = 0;

function setPill(el, text, kind) {
  el.textContent = text;
  el.className = `pill ${kind ?? ""}`;
}

function renderStages() {
  const columns = STAGES.map((stage) => {
    const cards = [...state.ideas.values()]
      .filter((i) => i.stage === stage)
      .map((i) => {
        const detail = [
          i.parent ? `from ${esc(i.parent)}` : "",
          i.requested ? `runs ${i.finished}/${i.requested}${i.failedRuns ? `, ${i.failedRuns} failed` : ""}` : "",
          i.decision ? `<strong>${esc(i.decision)}</strong> (overall ${esc(i.overall)})` : "",
          i.reason ? esc(i.reason.slice(0, 120)) : "",
        ].filter(Boolean);
        return `<div class="idea ${stage === "dropped" ? "dropped" : esc(i.decision ?? "")}" data-idea="${esc(i.id)}" title="${esc(i.title)}"><strong>${esc(i.name)}</strong><div class="muted">${detail.join("<br>")}</div></div>`;
      });
    return `<div class="stage" data-stage="${stage}"><h3>${stage} (${cards.length})</h3>${cards.join("")}</div>`;
  });
  $("#stages").innerHTML = columns.join("");
}

function renderAgents() {
  const rows = [...state.agents.values()]
    .sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }))
    .map((a) => {
      const s = a.state ? `${esc(a.state.machine)} <span class="muted">[${esc(a.state.actorKey)}]</span> ${esc(a.state.from)} → <strong>${esc(a.state.to)}</strong>` : '<span class="muted">—</span>';
      return `<tr data-agent="${esc(a.id)}"><td>${esc(a.id)}</td><td title="${esc(a.history.join("\n"))}">${s}</td><td>${esc(a.lastSent ?? "")}</td><td>${a.sent}</td><td>${a.handled}</td></tr>`;
    });
  $("#agents tbody").innerHTML = rows.join("");
}

function renderPapers() {
  const cards = [...state.papers.values()].map((p) => {
    const reviews = [...p.reviews.values()]
      .sort((a, b) => a.seat - b.seat)
      .map((r) => `<tr><td>${r.seat}</td><td>${esc(r.persona)}</td><td>${esc(r.review.Overall)}</td><td>${esc(r.review.Confidence)}</td><td>${esc(r.review.Soundness)}/${esc(r.review.Presentation)}/${esc(r.review.Contribution)}</td><td>${esc(r.review.Decision)}</td></tr>`);
    const decision = p.decision
      ? `<span class="decision ${esc(p.decision)}">${esc(p.decision)}</span> overall ${esc(p.overall)}`
      : `<span class="decision">under review</span> ${p.reviews.size}/${p.requested} reviews in`;
    return `<article class="paper" data-paper="${esc(p.id)}"${p.decision ? ` data-decision="${esc(p.decision)}"` : ""}>
      <h3>${esc(p.title)}</h3>
      <div>${decision} <span class="muted">idea ${esc(p.ideaId)}${p.path ? ` · ${esc(p.path)}` : ""}</span></div>
      <table><thead><tr><th>seat</th><th>persona</th><th>overall</th><th>confidence</th><th>sound/pres/contrib</th><th>decision</th></tr></thead><tbody>${reviews.join("")}</tbody></table>
      ${p.metaReview ? `<div class="meta">${esc(p.metaReview)}</div>` : ""}
    </article>`;
  });
  $("#papers").innerHTML = cards.length ? cards.join("") : '<p class="muted">no paper drafted yet</p>';
}

function renderCounts() {
  const rows = [...state.counts.entries()].sort((a, b) => b[1] - a[1]).map(([type, n]) => `<tr><td>${esc(type)}</td><td>${n}</td></tr>`);
  if (state.unreadable) rows.push(`<tr><td>unreadable</td><td>${state.unreadable}</td></tr>`);
  $("#counts tbody").innerHTML = rows.join("");
  const count = $("#message-count");
  count.textContent = String(state.total);
  count.dataset.count = String(state.total);
  $("#dead-letters").innerHTML = state.deadLetters.length ? state.deadLetters.map((d) => `<li>${esc(d.subject)}: ${esc(d.reason)}</li>`).join("") : '<li class="muted">none</li>';
}

function render() {
  frame = 0;
  const box = $("#sequence");
  // Follow the newest message only if the reader has not scrolled up to look at older ones.
  const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 30;
  renderStages();
  renderAgents();
  renderPapers();
  renderCounts();
  renderCosts();
  box.innerHTML = renderSequence(state);
  if (atBottom) box.scrollTop = box.scrollHeight;
  if (state.budgetExhausted) setPill($("#run-status"), `budget exhausted: ${state.budgetExhausted}`, "error");
  else if (pausedText(steer) && !state.completed) setPill($("#run-status"), pausedText(steer), "paused");
  else if (state.completed) setPill($("#run-status"), `completed: ${state.completed.decided} decided, ${state.completed.failed} failed, ${state.completed.dropped} dropped`, "done");
  else setPill($("#run-status"), `running · ${reviewsInFlight(state)} reviews in flight`, "live");
}

/** Model spend from the run's ledger (llm runs); the section stays hidden for rules runs. */
function renderCosts() {
  const section = $("#costs-section");
  const costs = state.costs;
  section.hidden = !costs;
  if (!costs) return;
  const row = (name, c) => `<tr><td>${esc(name)}</td><td>${c.calls}</td><td>${c.tokens}</td><td>$${c.usd.toFixed(4)}</td></tr>`;
  $("#costs tbody").innerHTML = [row("total", costs.total), ...Object.entries(costs.byRole).map(([role, c]) => row(role, c))].join("");
}

const schedule = () => (frame ||= requestAnimationFrame(render));

function connect(run) {
  source?.close();
  state = null;
  source = new EventSource(`/events?run=${encodeURIComponent(run)}`);
  source.addEventListener("hello", (ev) => {
    const hello = JSON.parse(ev.data);
    // A reconnect replays the stream from the start; the sequences already folded are skipped.
    if (!state || state.run !== hello.run) {
      state = emptyRunState(hello.run, hello.topology);
      steer = emptySteering();
    }
    setPill($("#connection"), "live", "live");
    schedule();
  });
  source.addEventListener("waiting", () => setPill($("#connection"), "waiting for the run to start…"));
  source.addEventListener("message", (ev) => {
    if (!state) return;
    const stored = JSON.parse(ev.data);
    // A reconnect replays from the start: only messages the run state has not folded yet reach the steering fold.
    const fresh = foldMessage(state, stored);
    if (fresh) foldSteering(steer, stored);
    if (fresh) schedule();
  });
  source.addEventListener("costs", (ev) => {
    if (!state) return;
    state.costs = JSON.parse(ev.data);
    schedule();
  });
  source.addEventListener("failure", (ev) => setPill($("#connection"), JSON.parse(ev.data).message, "error"));
  source.onerror = () => setPill($("#connection"), "reconnecting…", "error");
}

async function start() {
  const requested = new URLSearchParams(location.search).get("run");
  const { runs, selected, steer: canSteer } = await (await fetch("/api/runs")).json();
  const run = requested || selected;
  const select = $("#run-select");
  select.innerHTML = [...new Set([run, ...runs])].filter(Boolean).map((r) => `<option${r === run ? " selected" : ""}>${esc(r)}</option>`).join("");
  select.onchange = () => {
    history.replaceState(null, "", `?run=${encodeURIComponent(select.value)}`);
    connect(select.value);
  };
  initSteerControls(() => select.value || run, Boolean(canSteer && run));
  if (run) connect(run);
  else {
    setPill($("#connection"), "no run on this server yet; reload once one starts");
  }
}

start().catch((error) => setPill($("#connection"), String(error), "error"));
