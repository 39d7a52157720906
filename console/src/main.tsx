import { render } from "preact";
import { App } from "./app.js";
import "./state/theme.js";
import { refreshSession } from "./state/session.js";
import "./styles.css";

const root = document.getElementById("app");
if (root) {
  render(<App />, root);
  void refreshSession();
}
