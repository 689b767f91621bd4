;; camtl's SIMD kernels for tfjs-backend-wasm, where XNNPACK has none: exact
;; GELU and LayerNorm with their gradients, the fused AdamW update, column
;; sums and the 4×4-block transposes of the matrix products. They run on tfjs-wasm's
;; own memory (imported), on f32x4 lanes; pointers are byte offsets of tensors
;; on that heap. A tail shorter than 4 goes through the same vector code one
;; lane at a time (load32_zero / store32_lane), so every element gets the same
;; arithmetic. build-simd.mjs compiles this file, once with a shared memory
;; (the threaded build) and once without.
(module
  (import "env" "memory" (memory 1 65536 MEMORY_SHARED))

  ;; exp on 4 lanes (Cephes expf: Cody-Waite reduction by ln 2, degree-5
  ;; polynomial, 2^n built in the exponent bits); relative error ~2e-7.
  ;; Clamped to [-87.3, 88.7], so 2^n stays a normal float.
  (func $exp4 (param $x v128) (result v128)
    (local $fx v128) (local $r v128) (local $y v128)
    (local.set $x (f32x4.min (f32x4.max (local.get $x) (v128.const f32x4 -87.33654 -87.33654 -87.33654 -87.33654))
                             (v128.const f32x4 88.72283 88.72283 88.72283 88.72283)))
    (local.set $fx (f32x4.floor (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))
                                           (v128.const f32x4 0.5 0.5 0.5 0.5))))
    (local.set $r (f32x4.sub (f32x4.sub (local.get $x) (f32x4.mul (local.get $fx) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
                             (f32x4.mul (local.get $fx) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $y (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $y (f32x4.add (f32x4.add (f32x4.mul (local.get $y) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r))
                             (v128.const f32x4 1 1 1 1)))
    (f32x4.mul (local.get $y)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $fx)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))

  ;; Φ(x) = ½(1 + erf(x/√2)), with erf from Abramowitz & Stegun 7.1.26 (the
  ;; formula tfjs's cpu Erf uses; |error| ≤ 1.5e-7). Also returns, through
  ;; $e, exp(−x²/2) for the density.
  (global $e (mut v128) (v128.const i32x4 0 0 0 0))
  (func $cdf4 (param $x v128) (result v128)
    (local $z v128) (local $t v128) (local $p v128) (local $erf v128)
    (local.set $z (f32x4.abs (f32x4.mul (local.get $x) (v128.const f32x4 0.70710678 0.70710678 0.70710678 0.70710678))))
    (local.set $t (f32x4.div (v128.const f32x4 1 1 1 1)
                             (f32x4.add (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $z) (v128.const f32x4 0.3275911 0.3275911 0.3275911 0.3275911)))))
    (local.set $p (v128.const f32x4 1.061405429 1.061405429 1.061405429 1.061405429))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 -1.453152027 -1.453152027 -1.453152027 -1.453152027)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 1.421413741 1.421413741 1.421413741 1.421413741)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 -0.284496736 -0.284496736 -0.284496736 -0.284496736)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 0.254829592 0.254829592 0.254829592 0.254829592)))
    (global.set $e (call $exp4 (f32x4.neg (f32x4.mul (local.get $z) (local.get $z)))))
    (local.set $erf (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (f32x4.mul (local.get $p) (local.get $t)) (global.get $e))))
    ;; erf is odd: copy the sign of x onto it.
    (local.set $erf (v128.or (local.get $erf) (v128.and (local.get $x) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))
    (f32x4.mul (f32x4.add (local.get $erf) (v128.const f32x4 1 1 1 1)) (v128.const f32x4 0.5 0.5 0.5 0.5)))

  (func $gelu4 (param $x v128) (result v128)
    (f32x4.mul (local.get $x) (call $cdf4 (local.get $x))))

  ;; dy · (Φ(x) + x·φ(x)), φ(x) = exp(−x²/2)/√(2π).
  (func $geluGrad4 (param $x v128) (param $dy v128) (result v128)
    (local $cdf v128)
    (local.set $cdf (call $cdf4 (local.get $x)))
    (f32x4.mul (local.get $dy)
      (f32x4.add (local.get $cdf)
        (f32x4.mul (f32x4.mul (local.get $x) (global.get $e)) (v128.const f32x4 0.39894228 0.39894228 0.39894228 0.39894228)))))

  ;; y[i] = gelu(x[i]) for i < n.
  (func (export "gelu") (param $x i32) (param $y i32) (param $n i32)
    (local $i i32) (local $end i32)
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done (loop $vec
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))
        (call $gelu4 (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $vec)))
    (block $tail (loop $one
      (br_if $tail (i32.ge_u (local.get $i) (local.get $n)))
      (v128.store32_lane 0 (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))
        (call $gelu4 (v128.load32_zero (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $one))))

  ;; dx[i] = dy[i] · gelu'(x[i]) for i < n.
  (func (export "gelu_grad") (param $x i32) (param $dy i32) (param $dx i32) (param $n i32)
    (local $i i32) (local $end i32) (local $o i32)
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done (loop $vec
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (v128.store (i32.add (local.get $dx) (local.get $o))
        (call $geluGrad4 (v128.load (i32.add (local.get $x) (local.get $o))) (v128.load (i32.add (local.get $dy) (local.get $o)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $vec)))
    (block $tail (loop $one
      (br_if $tail (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (v128.store32_lane 0 (i32.add (local.get $dx) (local.get $o))
        (call $geluGrad4 (v128.load32_zero (i32.add (local.get $x) (local.get $o))) (v128.load32_zero (i32.add (local.get $dy) (local.get $o)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $one))))

  ;; One AdamW update of 4 lanes, op by op in float32 as AdamW's tensor ops
  ;; compute it, so the result is the same bits: m' = m·β1 + g·(1−β1),
  ;; v' = v·β2 + (g·g)·(1−β2), then
  ;;   torch: p' = p0 − (m' / (√v' / c2 + ε)) · s, p0 = p·(1 − lr·wd) when it decays;
  ;;   hf:    p1 = p − (m' / (√v' + ε)) · s, p' = p1 + p1·(−lr·wd) when it decays.
  ;; $k = [β1, 1−β1, β2, 1−β2], $h = [c2 (1 in hf), ε, s, decay factor].
  (func $adam4 (param $p v128) (param $m v128) (param $v v128) (param $g v128) (param $k v128) (param $h v128)
               (param $torch i32) (param $decays i32) (result v128 v128 v128)
    (local $m1 v128) (local $v1 v128) (local $p0 v128) (local $denom v128) (local $upd v128)
    (local.set $m1 (f32x4.add (f32x4.mul (local.get $m) (f32x4.splat (f32x4.extract_lane 0 (local.get $k))))
                              (f32x4.mul (local.get $g) (f32x4.splat (f32x4.extract_lane 1 (local.get $k))))))
    (local.set $v1 (f32x4.add (f32x4.mul (local.get $v) (f32x4.splat (f32x4.extract_lane 2 (local.get $k))))
                              (f32x4.mul (f32x4.mul (local.get $g) (local.get $g)) (f32x4.splat (f32x4.extract_lane 3 (local.get $k))))))
    (local.set $p0 (local.get $p))
    (if (i32.and (local.get $torch) (local.get $decays))
      (then (local.set $p0 (f32x4.mul (local.get $p) (f32x4.splat (f32x4.extract_lane 3 (local.get $h)))))))
    (local.set $denom (f32x4.sqrt (local.get $v1)))
    (if (local.get $torch)
      (then (local.set $denom (f32x4.div (local.get $denom) (f32x4.splat (f32x4.extract_lane 0 (local.get $h)))))))
    (local.set $denom (f32x4.add (local.get $denom) (f32x4.splat (f32x4.extract_lane 1 (local.get $h)))))
    (local.set $upd (f32x4.sub (local.get $p0)
      (f32x4.mul (f32x4.div (local.get $m1) (local.get $denom)) (f32x4.splat (f32x4.extract_lane 2 (local.get $h))))))
    (if (i32.and (i32.eqz (local.get $torch)) (local.get $decays))
      (then (local.set $upd (f32x4.add (local.get $upd)
              (f32x4.mul (local.get $upd) (f32x4.splat (f32x4.extract_lane 3 (local.get $h))))))))
    (local.get $upd) (local.get $m1) (local.get $v1))

  ;; AdamW over n floats: reads p, m, v, g and writes p', m', v' (6 pointers).
  (func (export "adamw") (param $p i32) (param $m i32) (param $v i32) (param $g i32)
        (param $po i32) (param $mo i32) (param $vo i32) (param $n i32)
        (param $b1 f32) (param $omb1 f32) (param $b2 f32) (param $omb2 f32)
        (param $c2 f32) (param $eps f32) (param $step f32) (param $decay f32)
        (param $torch i32) (param $decays i32)
    (local $i i32) (local $o i32) (local $end i32) (local $k v128) (local $h v128)
    (local $rp v128) (local $rm v128) (local $rv v128)
    (local.set $k (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (local.get $b1))
      (local.get $omb1)) (local.get $b2)) (local.get $omb2)))
    (local.set $h (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (local.get $c2))
      (local.get $eps)) (local.get $step)) (local.get $decay)))
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done (loop $vec
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (call $adam4 (v128.load (i32.add (local.get $p) (local.get $o))) (v128.load (i32.add (local.get $m) (local.get $o)))
                   (v128.load (i32.add (local.get $v) (local.get $o))) (v128.load (i32.add (local.get $g) (local.get $o)))
                   (local.get $k) (local.get $h) (local.get $torch) (local.get $decays))
      (local.set $rv) (local.set $rm) (local.set $rp)
      (v128.store (i32.add (local.get $po) (local.get $o)) (local.get $rp))
      (v128.store (i32.add (local.get $mo) (local.get $o)) (local.get $rm))
      (v128.store (i32.add (local.get $vo) (local.get $o)) (local.get $rv))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $vec)))
    (block $tail (loop $one
      (br_if $tail (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (call $adam4 (v128.load32_zero (i32.add (local.get $p) (local.get $o))) (v128.load32_zero (i32.add (local.get $m) (local.get $o)))
                   (v128.load32_zero (i32.add (local.get $v) (local.get $o))) (v128.load32_zero (i32.add (local.get $g) (local.get $o)))
                   (local.get $k) (local.get $h) (local.get $torch) (local.get $decays))
      (local.set $rv) (local.set $rm) (local.set $rp)
      (v128.store32_lane 0 (i32.add (local.get $po) (local.get $o)) (local.get $rp))
      (v128.store32_lane 0 (i32.add (local.get $mo) (local.get $o)) (local.get $rm))
      (v128.store32_lane 0 (i32.add (local.get $vo) (local.get $o)) (local.get $rv))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $one))))

  ;; out[c] = Σ_r x[r·cols + c]: a sum over the leading axes (bias and
  ;; LayerNorm gradients), rows accumulated in order on 4 columns at a time.
  (func (export "colsum") (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $end i32) (local $row i32) (local $o i32)
    (local.set $end (i32.and (local.get $cols) (i32.const -4)))
    (local.set $c (i32.const 0))
    (block $z (loop $zero
      (br_if $z (i32.ge_u (local.get $c) (local.get $cols)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2))) (f32.const 0))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $zero)))
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $row (i32.add (local.get $x) (i32.shl (i32.mul (local.get $r) (local.get $cols)) (i32.const 2))))
      (local.set $c (i32.const 0))
      (block $vecDone (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $c) (local.get $end)))
        (local.set $o (i32.shl (local.get $c) (i32.const 2)))
        (v128.store (i32.add (local.get $out) (local.get $o))
          (f32x4.add (v128.load (i32.add (local.get $out) (local.get $o))) (v128.load (i32.add (local.get $row) (local.get $o)))))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $vec)))
      (block $tailDone (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $c) (local.get $cols)))
        (local.set $o (i32.shl (local.get $c) (i32.const 2)))
        (f32.store (i32.add (local.get $out) (local.get $o))
          (f32.add (f32.load (i32.add (local.get $out) (local.get $o))) (f32.load (i32.add (local.get $row) (local.get $o)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $tail)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop))))

  ;; LayerNorm over rows of h floats (h a multiple of 4), weight and bias [h].
  (func $hsum (param $v v128) (result f32)
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
             (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; A row's mean and 1/√(biased variance + ε), as tf.moments and rsqrt give them.
  (func $rowStats (param $row i32) (param $h i32) (param $eps f32) (result f32 f32)
    (local $i i32) (local $acc v128) (local $mean f32) (local $d v128) (local $m v128)
    (block $a (loop $sum
      (br_if $a (i32.ge_u (local.get $i) (local.get $h)))
      (local.set $acc (f32x4.add (local.get $acc) (v128.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $sum)))
    (local.set $mean (f32.div (call $hsum (local.get $acc)) (f32.convert_i32_u (local.get $h))))
    (local.set $m (f32x4.splat (local.get $mean)))
    (local.set $acc (v128.const i32x4 0 0 0 0))
    (local.set $i (i32.const 0))
    (block $b (loop $sq
      (br_if $b (i32.ge_u (local.get $i) (local.get $h)))
      (local.set $d (f32x4.sub (v128.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2)))) (local.get $m)))
      (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $d) (local.get $d))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $sq)))
    (local.get $mean)
    (f32.div (f32.const 1)
      (f32.sqrt (f32.add (f32.div (call $hsum (local.get $acc)) (f32.convert_i32_u (local.get $h))) (local.get $eps)))))

  ;; y = (x − mean)·rstd·w + b, row by row.
  (func (export "layer_norm") (param $x i32) (param $w i32) (param $b i32) (param $y i32)
        (param $rows i32) (param $h i32) (param $eps f32)
    (local $r i32) (local $i i32) (local $base i32) (local $o i32) (local $m v128) (local $s v128) (local $rstd f32)
    (block $done (loop $row
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $base (i32.shl (i32.mul (local.get $r) (local.get $h)) (i32.const 2)))
      (call $rowStats (i32.add (local.get $x) (local.get $base)) (local.get $h) (local.get $eps))
      (local.set $rstd)
      (local.set $m (f32x4.splat))
      (local.set $s (f32x4.splat (local.get $rstd)))
      (local.set $i (i32.const 0))
      (block $rowDone (loop $vec
        (br_if $rowDone (i32.ge_u (local.get $i) (local.get $h)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (v128.store (i32.add (local.get $y) (i32.add (local.get $base) (local.get $o)))
          (f32x4.add
            (f32x4.mul (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $x) (i32.add (local.get $base) (local.get $o)))) (local.get $m))
                                  (local.get $s))
                       (v128.load (i32.add (local.get $w) (local.get $o))))
            (v128.load (i32.add (local.get $b) (local.get $o)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vec)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·w; dw = Σ_rows dy·x̂; db = Σ_rows dy.
  (func (export "layer_norm_grad") (param $x i32) (param $w i32) (param $dy i32) (param $dx i32)
        (param $dw i32) (param $db i32) (param $rows i32) (param $h i32) (param $eps f32)
    (local $r i32) (local $i i32) (local $base i32) (local $o i32) (local $m v128) (local $s v128) (local $rstd f32)
    (local $xhat v128) (local $d v128) (local $g v128) (local $accG v128) (local $accGx v128) (local $mg v128) (local $mgx v128)
    (block $z (loop $zero
      (br_if $z (i32.ge_u (local.get $i) (local.get $h)))
      (v128.store (i32.add (local.get $dw) (i32.shl (local.get $i) (i32.const 2))) (v128.const i32x4 0 0 0 0))
      (v128.store (i32.add (local.get $db) (i32.shl (local.get $i) (i32.const 2))) (v128.const i32x4 0 0 0 0))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $zero)))
    (block $done (loop $row
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $base (i32.shl (i32.mul (local.get $r) (local.get $h)) (i32.const 2)))
      (call $rowStats (i32.add (local.get $x) (local.get $base)) (local.get $h) (local.get $eps))
      (local.set $rstd)
      (local.set $m (f32x4.splat))
      (local.set $s (f32x4.splat (local.get $rstd)))
      (local.set $accG (v128.const i32x4 0 0 0 0))
      (local.set $accGx (v128.const i32x4 0 0 0 0))
      (local.set $i (i32.const 0))
      (block $p1 (loop $pass1
        (br_if $p1 (i32.ge_u (local.get $i) (local.get $h)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $xhat (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $x) (i32.add (local.get $base) (local.get $o)))) (local.get $m)) (local.get $s)))
        (local.set $d (v128.load (i32.add (local.get $dy) (i32.add (local.get $base) (local.get $o)))))
        (local.set $g (f32x4.mul (local.get $d) (v128.load (i32.add (local.get $w) (local.get $o)))))
        (local.set $accG (f32x4.add (local.get $accG) (local.get $g)))
        (local.set $accGx (f32x4.add (local.get $accGx) (f32x4.mul (local.get $g) (local.get $xhat))))
        (v128.store (i32.add (local.get $dw) (local.get $o))
          (f32x4.add (v128.load (i32.add (local.get $dw) (local.get $o))) (f32x4.mul (local.get $d) (local.get $xhat))))
        (v128.store (i32.add (local.get $db) (local.get $o)) (f32x4.add (v128.load (i32.add (local.get $db) (local.get $o))) (local.get $d)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $pass1)))
      (local.set $mg (f32x4.splat (f32.div (call $hsum (local.get $accG)) (f32.convert_i32_u (local.get $h)))))
      (local.set $mgx (f32x4.splat (f32.div (call $hsum (local.get $accGx)) (f32.convert_i32_u (local.get $h)))))
      (local.set $i (i32.const 0))
      (block $p2 (loop $pass2
        (br_if $p2 (i32.ge_u (local.get $i) (local.get $h)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $xhat (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $x) (i32.add (local.get $base) (local.get $o)))) (local.get $m)) (local.get $s)))
        (local.set $g (f32x4.mul (v128.load (i32.add (local.get $dy) (i32.add (local.get $base) (local.get $o)))) (v128.load (i32.add (local.get $w) (local.get $o)))))
        (v128.store (i32.add (local.get $dx) (i32.add (local.get $base) (local.get $o)))
          (f32x4.mul (local.get $s) (f32x4.sub (f32x4.sub (local.get $g) (local.get $mg)) (f32x4.mul (local.get $xhat) (local.get $mgx)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $pass2)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; dst[b] = src[b]ᵀ for `batch` row-major r×c matrices (r, c multiples of 4), in 4×4
  ;; blocks transposed in registers: the operand transposes of the wasm matrix products.
  (func (export "transpose") (param $src i32) (param $dst i32) (param $batch i32) (param $r i32) (param $c i32)
    (local $b i32) (local $i i32) (local $j i32) (local $s i32) (local $d i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $rowBytes i32) (local $colBytes i32)
    (local.set $rowBytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $colBytes (i32.shl (local.get $r) (i32.const 2)))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $i (i32.const 0))
      (block $iDone (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $r)))
        (local.set $j (i32.const 0))
        (block $jDone (loop $jLoop
          (br_if $jDone (i32.ge_u (local.get $j) (local.get $c)))
          ;; s = &src[b][i][j], d = &dst[b][j][i]
          (local.set $s (i32.add (local.get $src)
            (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $r)) (local.get $i)) (local.get $c)) (local.get $j)) (i32.const 2))))
          (local.set $d (i32.add (local.get $dst)
            (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $c)) (local.get $j)) (local.get $r)) (local.get $i)) (i32.const 2))))
          (local.set $r0 (v128.load (local.get $s)))
          (local.set $r1 (v128.load (i32.add (local.get $s) (local.get $rowBytes))))
          (local.set $r2 (v128.load (i32.add (local.get $s) (i32.mul (local.get $rowBytes) (i32.const 2)))))
          (local.set $r3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $rowBytes) (i32.const 3)))))
          (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
          (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
          (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
          (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
          (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
          (v128.store (i32.add (local.get $d) (local.get $colBytes))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
          (v128.store (i32.add (local.get $d) (i32.mul (local.get $colBytes) (i32.const 2)))
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
          (v128.store (i32.add (local.get $d) (i32.mul (local.get $colBytes) (i32.const 3)))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $jLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $iLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop))))
)
