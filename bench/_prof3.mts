async function* gen(n: number) { for (let i = 0; i < n; i++) yield* [i]; }
async function* outer(n: number) { for (let b = 0; b < n / 100; b++) { const arr = Array.from({length:100},(_, i)=>i); for (const x of arr) yield x; } }
async function* batches(rows: AsyncIterable<number>) { let b: number[] = []; for await (const r of rows) { b.push(r); if (b.length >= 5000) { yield b; b = []; } } if (b.length) yield b; }
for (let round = 0; round < 3; round++) {
  let t = performance.now(); let c = 0;
  for await (const b of batches(outer(70080))) c += b.length;
  console.log("yield per row, batched:", Math.round(performance.now() - t), "ms", c);
}
