// Plain English advice as an author types: after a pause, the words go to the server's checker and the
// advice under the field is drawn again. Without JavaScript, the advice on what was saved still shows.
const token = document.querySelector("input[name=csrf_token]")?.value;

function draw(box, label, advice) {
  box.replaceChildren();
  box.classList.toggle("nhsuk-inset-text", advice.length > 0);
  if (!advice.length) return;
  const intro = document.createElement("p");
  intro.className = "nhsuk-body-s";
  intro.textContent = `Plain English advice on “${label}” (you can save it as it is):`;
  const list = document.createElement("ul");
  list.className = "nhsuk-body-s";
  for (const message of advice) {
    const item = document.createElement("li");
    item.textContent = message;
    list.append(item);
  }
  box.append(intro, list);
}

for (const box of document.querySelectorAll("[data-plain-for]")) {
  const field = document.getElementById(box.dataset.plainFor);
  if (!field || !token) continue;
  const label = document.querySelector(`label[for="${field.id}"]`)?.textContent.trim() ?? "";
  let timer;
  field.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      try {
        const answer = await fetch(box.dataset.plainUrl, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token },
          body: JSON.stringify({ text: field.value, easy_read: box.dataset.easyRead === "1" }),
        });
        if (answer.ok) draw(box, label, (await answer.json()).advice);
      } catch {
        // Advice is a help, never a block: if the server cannot be reached, the form works as before.
      }
    }, 700);
  });
}
