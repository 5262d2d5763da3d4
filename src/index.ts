export { RetinaFaceError } from "./errors.js";
