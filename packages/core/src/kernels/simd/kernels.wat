;; camtl's SIMD kernels for tfjs-backend-wasm, where XNNPACK has none: exact
;; GELU and its gradient, and the fused AdamW updates. They run on tfjs-wasm's
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
)
