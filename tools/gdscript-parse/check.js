#!/usr/bin/env node
// Parses GDScript files with tree-sitter-gdscript (a GDScript 2 / Godot 4 grammar) and
// checks that the shared files keep to the subset Godot 3 and Godot 4 both run
// (godot/addons/steamsim/README.md, "GDScript subset").
//
//   node check.js [--godot4-only FILE]... FILE...
//
// Every FILE must parse without error nodes. FILEs not marked --godot4-only must also use
// none of the words that exist in only one of the two versions, outside strings and
// comments. Exit status: 0 clean, 1 a problem (each printed as file:line:column: text),
// 2 usage or setup error.
'use strict';

const fs = require('fs');

let Parser;
let GDScript;
try {
  Parser = require('tree-sitter');
  GDScript = require('tree-sitter-gdscript');
} catch (error) {
  console.error('gdscript-parse: the grammar is not installed; run tools/gdscript-parse/install.sh');
  console.error(String(error.message || error));
  process.exit(2);
}

// Words one version rejects or means differently, with what to write instead.
const versionSpecific = new Map([
  ['yield', 'Godot 3 only; drive state from _process instead'],
  ['await', 'Godot 4 only; drive state from _process instead'],
  ['export', 'Godot 3 keyword; set values from code'],
  ['onready', 'Godot 3 keyword; assign in _ready()'],
  ['setget', 'Godot 3 keyword; use plain functions'],
  ['tool', 'Godot 3 keyword (Godot 4: @tool); keep tool scripts version-specific'],
  ['remote', 'reserved in Godot 3 (RPC)'],
  ['master', 'reserved in Godot 3 (RPC)'],
  ['puppet', 'reserved in Godot 3 (RPC)'],
  ['remotesync', 'reserved in Godot 3 (RPC)'],
  ['PoolByteArray', 'Godot 3 type; use StreamPeerBuffer.data_array'],
  ['PackedByteArray', 'Godot 4 type; use StreamPeerBuffer.data_array'],
  ['PoolStringArray', 'Godot 3 type'],
  ['PackedStringArray', 'Godot 4 type'],
  ['File', 'Godot 3 class; read files through a runtime-compiled helper'],
  ['FileAccess', 'Godot 4 class; read files through a runtime-compiled helper'],
  ['Callable', 'Godot 4 type; connect with object.get(method) behind a version check'],
  ['funcref', 'Godot 3 function'],
  ['to_json', 'Godot 3 function'],
  ['parse_json', 'Godot 3 function'],
  ['JSON', 'its API differs between versions'],
  ['Time', 'Godot 4 singleton; use Engine.get_singleton("Time") behind a version check'],
  ['get_ticks_usec', 'OS (3) vs Time (4): call it through .call() behind a version check'],
  ['get_ticks_msec', 'OS (3) vs Time (4): call it through .call() behind a version check'],
  ['empty', 'Godot 3 method (Godot 4: is_empty); compare size() with 0'],
  ['is_empty', 'Godot 4 method (Godot 3: empty); compare size() with 0'],
  ['to_utf8', 'Godot 3 method; use StreamPeerBuffer.put_utf8_string'],
  ['to_utf8_buffer', 'Godot 4 method; use StreamPeerBuffer.put_utf8_string'],
  ['instance', 'Godot 3 method (Godot 4: instantiate)'],
  ['instantiate', 'Godot 4 method (Godot 3: instance)'],
  ['TYPE_REAL', 'Godot 3 constant; compare typeof() with 3'],
  ['TYPE_FLOAT', 'Godot 4 constant; compare typeof() with 3'],
  ['TYPE_RAW_ARRAY', 'Godot 3 constant; byte arrays are type 20 (3) / 29 (4)'],
  ['TYPE_PACKED_BYTE_ARRAY', 'Godot 4 constant; byte arrays are type 20 (3) / 29 (4)'],
]);

// Node types whose text is not code.
const opaque = new Set(['string', 'comment', 'string_name', 'node_path', 'get_node']);

function problemsIn(file, shared, parser) {
  const source = fs.readFileSync(file, 'utf8');
  const tree = parser.parse(source);
  const problems = [];
  const where = (node) => `${file}:${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
  const visit = (node) => {
    if (node.type === 'ERROR' || node.isMissing) {
      problems.push(`${where(node)}: not valid Godot 4 GDScript near '${source.slice(node.startIndex, node.startIndex + 40).split('\n')[0]}'`);
    }
    if (opaque.has(node.type)) return;
    if (node.type === 'annotation' && shared) {
      problems.push(`${where(node)}: annotations are Godot 4 only`);
    }
    if (node.childCount === 0 && shared) {
      const word = source.slice(node.startIndex, node.endIndex);
      if (versionSpecific.has(word)) {
        problems.push(`${where(node)}: '${word}': ${versionSpecific.get(word)}`);
      }
    }
    for (let i = 0; i < node.childCount; i++) visit(node.child(i));
  };
  visit(tree.rootNode);
  return problems;
}

function main(argv) {
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--godot4-only') {
      if (i + 1 >= argv.length) break;
      files.push({ file: argv[++i], shared: false });
    } else {
      files.push({ file: argv[i], shared: true });
    }
  }
  if (files.length === 0) {
    console.error('usage: node check.js [--godot4-only FILE]... FILE...');
    return 2;
  }
  const parser = new Parser();
  parser.setLanguage(GDScript);
  let problems = [];
  for (const { file, shared } of files) {
    if (!fs.existsSync(file)) {
      console.error(`gdscript-parse: ${file}: no such file`);
      return 2;
    }
    problems = problems.concat(problemsIn(file, shared, parser));
  }
  for (const problem of problems) console.log(problem);
  console.log(`gdscript-parse: ${files.length} files, ${problems.length} problems`);
  return problems.length === 0 ? 0 : 1;
}

process.exit(main(process.argv.slice(2)));
