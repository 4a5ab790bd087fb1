/* diff_match_patch.js is the npm package's CommonJS file: it defines the global
   diff_match_patch, then assigns module.exports. In a page that has no module, this gives it
   one to assign, so the file loads unchanged and without an error. */
var module = window.module || { exports: {} };
