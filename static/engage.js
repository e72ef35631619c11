// Progressive enhancement for NHS.UK frontend components. Loaded as a module, so it never runs inline.
import { initAll } from "./nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
