import { build } from 'esbuild';
const entry = process.argv[2];
const r = await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node24', minify: true, mainFields: ['module','main'], write: false, metafile: true, outfile: '/tmp/x.mjs', external: ['@aws-sdk/client-xray'], logLevel: 'silent' });
const byPkg = {};
for (const [file, info] of Object.entries(r.metafile.outputs['/tmp/x.mjs'] ? r.metafile.outputs['/tmp/x.mjs'].inputs : Object.values(r.metafile.outputs)[0].inputs)) {
  const m = file.match(/node_modules\/((@[^/]+\/)?[^/]+)/); const k = m ? m[1] : 'src';
  byPkg[k] = (byPkg[k] ?? 0) + info.bytesInOutput;
}
console.log(Object.entries(byPkg).sort((a,b)=>b[1]-a[1]).slice(0,15).map(([k,v])=>`${(v/1024).toFixed(0)}K ${k}`).join('\n'));
