// The message sequence diagram: one lane per agent, one row per message, an arrow from the sender to each agent
// that consumed the message's type. Redrawn whole on each frame: a run has hundreds of messages, not millions.
import { roleOf } from "./run-state.js";

const ROLE_ORDER = ["cli", "ideator", "novelty", "coder", "experimenter", "writer", "area-chair", "reviewer"];
const LANE = 132;
const ROW = 22;
const HEAD = 34;
const NOUN_COLORS = { run: "#8e44ad", idea: "#b7791f", experiment: "#0e7c86", study: "#0e7c86", paper: "#1f8a4c", review: "#2b5cb8", message: "#b3261e" };

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function rank(role) {
  const i = ROLE_ORDER.indexOf(role);
  return i === -1 ? ROLE_ORDER.length : i;
}

function colorOf(type) {
  if (type.endsWith(".failed") || type === "message.deadlettered") return "#b3261e";
  return NOUN_COLORS[type.slice(0, type.indexOf("."))] ?? "#444";
}

/** Lanes: every agent seen, plus a placeholder per consuming role none of whose agents has spoken yet. */
function lanesOf(state) {
  const agents = [...state.agents.keys()];
  const roles = new Set(agents.map(roleOf));
  for (const role of Object.keys(state.topology)) if (!roles.has(role)) agents.push(`${role}/*`);
  agents.sort((a, b) => rank(roleOf(a)) - rank(roleOf(b)) || a.localeCompare(b, undefined, { numeric: true }));
  return agents;
}

/** Who consumed `e`: the agent of each consuming role that handled it, else (in flight) that role's first lane, dashed. */
function targetsOf(state, e, laneIndex, lanes) {
  const handlers = state.consumedBy.get(e.id) ?? new Map();
  const targets = [];
  for (const [role, types] of Object.entries(state.topology)) {
    if (!types.includes(e.type)) continue;
    const known = handlers.get(role);
    if (known && laneIndex.has(known)) targets.push({ agent: known, known: true });
    else {
      const first = lanes.find((lane) => roleOf(lane) === role);
      if (first) targets.push({ agent: first, known: false });
    }
  }
  return targets;
}

export function renderSequence(state) {
  const lanes = lanesOf(state);
  const laneIndex = new Map(lanes.map((lane, i) => [lane, i]));
  const x = (agentId) => 70 + (laneIndex.get(agentId) ?? 0) * LANE;
  const width = 70 + lanes.length * LANE;
  const height = state.messages.length * ROW + 16;
  // Two lines per lane head (role, then instance): agent ids are longer than a lane is wide.
  const head = lanes
    .map((lane) => {
      const instance = lane.slice(roleOf(lane).length + 1);
      return `<text x="${x(lane)}" y="13" text-anchor="middle" font-size="11" font-weight="600">${esc(roleOf(lane))}<title>${esc(lane)}</title></text>` +
        `<text x="${x(lane)}" y="27" text-anchor="middle" font-size="10" fill="#8a90a0">${esc(instance.length > 20 ? `…${instance.slice(-19)}` : instance)}</text>`;
    })
    .join("");
  const body = [];
  for (const lane of lanes) body.push(`<line x1="${x(lane)}" y1="0" x2="${x(lane)}" y2="${height}" stroke="#e3e6ee"/>`);
  const t0 = state.messages.length ? Date.parse(state.messages[0].at) : 0;
  state.messages.forEach((e, row) => {
    const y = row * ROW + 16;
    const from = x(e.from);
    const color = colorOf(e.type);
    const title = `<title>${esc(`${e.type} from ${e.from}\nid ${e.id.slice(0, 8)} ← ${(e.causation ?? "-").slice(0, 8)}\n[${e.correlation}]`)}</title>`;
    body.push(`<text x="4" y="${y + 4}" font-size="10" fill="#8a90a0">+${((Date.parse(e.at) - t0) / 1000).toFixed(1)}s</text>`);
    const targets = targetsOf(state, e, laneIndex, lanes).filter((t) => t.agent !== e.from);
    if (targets.length === 0) body.push(`<circle cx="${from}" cy="${y}" r="4" fill="${color}">${title}</circle>`);
    for (const t of targets) {
      const to = x(t.agent);
      const dir = to > from ? -1 : 1;
      body.push(
        `<g class="arrow" data-type="${esc(e.type)}">${title}<line x1="${from}" y1="${y}" x2="${to}" y2="${y}" stroke="${color}" stroke-width="1.4"${t.known ? "" : ' stroke-dasharray="4 3"'}/>` +
          `<path d="M${to},${y} l${dir * 7},-4 l0,8 z" fill="${color}"/></g>`,
      );
    }
    const right = targets.length === 0 || targets.some((t) => x(t.agent) > from);
    body.push(`<text x="${from + (right ? 6 : -6)}" y="${y - 4}" font-size="10" fill="${color}" text-anchor="${right ? "start" : "end"}">${esc(e.type)}</text>`);
  });
  return `<svg class="lanes" width="${width}" height="${HEAD}">${head}</svg><svg width="${width}" height="${height}">${body.join("")}</svg>`;
}
