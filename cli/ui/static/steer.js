// Steering from the page: the operator's buttons POST to /api/steer (published as control.* by the server), and the
// run's own control.* messages, folded here, say what is paused, so the page shows the stream's truth, not a guess.
const $ = (selector) => document.querySelector(selector);

export function emptySteering() {
  return { runPaused: false, roles: new Set(), stopped: new Set(), interventions: [] };
}

/** Folds one stored message; true when it changed the steering state. */
export function foldSteering(steer, stored) {
  const e = stored?.envelope;
  if (!e || !e.type.startsWith("control.")) return false;
  const p = e.payload ?? {};
  steer.interventions.push({ at: e.at, type: e.type, payload: p, from: e.from });
  if (e.type === "control.paused") {
    if (p.role) steer.roles.add(p.role);
    else steer.runPaused = true;
  } else if (e.type === "control.resumed") {
    if (p.role) steer.roles.delete(p.role);
    else {
      steer.runPaused = false;
      steer.roles.clear();
    }
  } else if (e.type === "control.idea-stopped") steer.stopped.add(p.ideaId);
  return true;
}

/** "paused", "paused: coder, writer" or null. */
export function pausedText(steer) {
  if (steer.runPaused) return "paused";
  return steer.roles.size ? `paused: ${[...steer.roles].sort().join(", ")}` : null;
}

async function post(run, verb, args, extra = {}) {
  const res = await fetch("/api/steer", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ run, verb, args, ...extra }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body.sent;
}

/** Wires the buttons; `currentRun()` names the run shown. The result line says what was sent or why not. */
export function initSteerControls(currentRun, enabled) {
  const section = $("#steer-section");
  section.hidden = !enabled;
  if (!enabled) return;
  const result = $("#steer-result");
  const role = () => $("#steer-role").value.trim() || undefined;
  const idea = () => $("#steer-idea").value.trim();
  const text = () => $("#steer-text").value.trim();
  const act = (verb, args, extra) => async () => {
    result.textContent = "sending…";
    result.className = "muted";
    try {
      const sent = await post(currentRun(), verb, args(), extra?.());
      result.textContent = `sent ${sent.type}`;
      result.className = "";
    } catch (error) {
      result.textContent = String(error.message ?? error);
      result.className = "error";
    }
  };
  $("#steer-pause").onclick = act("pause", () => [], () => ({ role: role() }));
  $("#steer-resume").onclick = act("resume", () => [], () => ({ role: role() }));
  $("#steer-stop").onclick = act("stop-idea", () => [idea()], () => ({ reason: text() || undefined }));
  $("#steer-note").onclick = act("note", () => [idea(), text()]);
}
