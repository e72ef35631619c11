// Keeps an analysis's progress page up to date: asks the server every second, and shows the finished
// page when the run ends. Without JavaScript the page keeps its "check progress again" link.
const box = document.querySelector("[data-progress-url]");

async function poll() {
  let state;
  try {
    const answer = await fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" } });
    if (!answer.ok) throw new Error(answer.statusText);
    state = await answer.json();
  } catch {
    setTimeout(poll, 5000); // the server was busy or away for a moment: try again a little later
    return;
  }
  if (state.finished) {
    window.location.reload();
    return;
  }
  const stage = box.querySelector("[data-progress-stage]");
  if (stage.textContent !== state.stage && state.stage) stage.textContent = state.stage;
  box.querySelector("progress").value = state.percent;
  box.querySelector("progress").textContent = `${state.percent}%`;
  box.querySelector("[data-progress-percent]").textContent = state.percent;
  setTimeout(poll, 1000);
}

if (box) setTimeout(poll, 1000);
