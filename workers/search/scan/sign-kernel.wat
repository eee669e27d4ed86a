;; Hamming distances between sign codes: one bit per dimension, 1 where the value is above the
;; library's centre. Compiled at build time by wabt (vite-plugin-wat.ts, SIMD enabled);
;; sign-prefilter.ts owns the layout:
;;   $qbits:  the query's bits, $chunks × 16 bytes.
;;   $bits:   n rows of $chunks × 16 bytes (rows zero-padded to whole chunks).
;;   $dist:   receives n u16 distances; an excluded row gets 0xffff.
;;   $hist:   ($chunks × 128 + 1) u32 counts, zeroed by the caller: hist[d] += 1 per row.
;; $chunks ≤ 31 keeps every byte lane's running count ≤ 248 (no u8 overflow).
;; accumulate and signs read n rows of $dim int8 codes ($dim a multiple of 16, rows
;; zero-padded) with one f32 scale each: the caller stages a library through in chunks.
(module
  (memory (import "env" "memory") 1)
  (func $hamming (export "hamming")
    (param $qbits i32) (param $bits i32) (param $n i32) (param $chunks i32)
    (param $dist i32) (param $hist i32) (param $exclude i32)
    (local $row i32) (local $p i32) (local $q i32) (local $c i32) (local $acc v128)
    (local $d i32) (local $at i32)

    local.get $bits
    local.set $p
    block $done
      loop $rows
        local.get $row
        local.get $n
        i32.ge_u
        br_if $done
        block $next
          local.get $row
          local.get $exclude
          i32.eq
          if
            local.get $dist
            local.get $row
            i32.const 1
            i32.shl
            i32.add
            i32.const 0xffff
            i32.store16
            local.get $p
            local.get $chunks
            i32.const 4
            i32.shl
            i32.add
            local.set $p
            br $next
          end
          ;; per byte lane: popcount(row xor query), summed over the row's chunks
          i32.const 0
          i32x4.splat
          local.set $acc
          local.get $qbits
          local.set $q
          i32.const 0
          local.set $c
          loop $lanes
            local.get $acc
            local.get $p
            v128.load
            local.get $q
            v128.load
            v128.xor
            i8x16.popcnt
            i8x16.add
            local.set $acc
            local.get $p
            i32.const 16
            i32.add
            local.set $p
            local.get $q
            i32.const 16
            i32.add
            local.set $q
            local.get $c
            i32.const 1
            i32.add
            local.tee $c
            local.get $chunks
            i32.lt_u
            br_if $lanes
          end
          ;; 16 byte counts -> 8 -> 4 -> one sum
          local.get $acc
          i16x8.extadd_pairwise_i8x16_u
          i32x4.extadd_pairwise_i16x8_u
          local.set $acc
          local.get $acc
          i32x4.extract_lane 0
          local.get $acc
          i32x4.extract_lane 1
          i32.add
          local.get $acc
          i32x4.extract_lane 2
          i32.add
          local.get $acc
          i32x4.extract_lane 3
          i32.add
          local.set $d
          local.get $dist
          local.get $row
          i32.const 1
          i32.shl
          i32.add
          local.get $d
          i32.store16
          local.get $hist
          local.get $d
          i32.const 2
          i32.shl
          i32.add
          local.tee $at
          local.get $at
          i32.load
          i32.const 1
          i32.add
          i32.store
        end
        local.get $row
        i32.const 1
        i32.add
        local.set $row
        br $rows
      end
    end
  )

  ;; $sum ($dim f64) += scale[i] · codes[i] over the n rows.
  (func $accumulate (export "accumulate")
    (param $codes i32) (param $scales i32) (param $n i32) (param $dim i32) (param $sum i32)
    (local $row i32) (local $p i32) (local $end i32) (local $o i32) (local $s v128)
    (local $v v128) (local $f v128)
    local.get $codes
    local.set $p
    block $done
      loop $rows
        local.get $row
        local.get $n
        i32.ge_u
        br_if $done
        local.get $scales
        local.get $row
        i32.const 2
        i32.shl
        i32.add
        f32.load
        f32x4.splat
        local.set $s
        local.get $p
        local.get $dim
        i32.add
        local.set $end
        local.get $sum
        local.set $o
        block $rowDone
          loop $lanes
            local.get $p
            local.get $end
            i32.ge_u
            br_if $rowDone
            local.get $p
            v128.load
            local.set $v
            ;; values 0..3: scale · code as f32, added in f64 two at a time
            local.get $v
            i16x8.extend_low_i8x16_s
            i32x4.extend_low_i16x8_s
            f32x4.convert_i32x4_s
            local.get $s
            f32x4.mul
            local.set $f
            local.get $o
            local.get $o
            v128.load offset=0
            local.get $f
            f64x2.promote_low_f32x4
            f64x2.add
            v128.store offset=0
            local.get $o
            local.get $o
            v128.load offset=16
            local.get $f
            local.get $f
            i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
            f64x2.promote_low_f32x4
            f64x2.add
            v128.store offset=16
            ;; values 4..7: scale · code as f32, added in f64 two at a time
            local.get $v
            i16x8.extend_low_i8x16_s
            i32x4.extend_high_i16x8_s
            f32x4.convert_i32x4_s
            local.get $s
            f32x4.mul
            local.set $f
            local.get $o
            local.get $o
            v128.load offset=32
            local.get $f
            f64x2.promote_low_f32x4
            f64x2.add
            v128.store offset=32
            local.get $o
            local.get $o
            v128.load offset=48
            local.get $f
            local.get $f
            i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
            f64x2.promote_low_f32x4
            f64x2.add
            v128.store offset=48
            ;; values 8..11: scale · code as f32, added in f64 two at a time
            local.get $v
            i16x8.extend_high_i8x16_s
            i32x4.extend_low_i16x8_s
            f32x4.convert_i32x4_s
            local.get $s
            f32x4.mul
            local.set $f
            local.get $o
            local.get $o
            v128.load offset=64
            local.get $f
            f64x2.promote_low_f32x4
            f64x2.add
            v128.store offset=64
            local.get $o
            local.get $o
            v128.load offset=80
            local.get $f
            local.get $f
            i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
            f64x2.promote_low_f32x4
            f64x2.add
            v128.store offset=80
            ;; values 12..15: scale · code as f32, added in f64 two at a time
            local.get $v
            i16x8.extend_high_i8x16_s
            i32x4.extend_high_i16x8_s
            f32x4.convert_i32x4_s
            local.get $s
            f32x4.mul
            local.set $f
            local.get $o
            local.get $o
            v128.load offset=96
            local.get $f
            f64x2.promote_low_f32x4
            f64x2.add
            v128.store offset=96
            local.get $o
            local.get $o
            v128.load offset=112
            local.get $f
            local.get $f
            i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
            f64x2.promote_low_f32x4
            f64x2.add
            v128.store offset=112
            local.get $o
            i32.const 128
            i32.add
            local.set $o
            local.get $p
            i32.const 16
            i32.add
            local.set $p
            br $lanes
          end
        end
        local.get $row
        i32.const 1
        i32.add
        local.set $row
        br $rows
      end
    end
  )

  ;; Sign bits of n rows into $bits (rows of $rowBytes): bit j is 1 where
  ;; scale · code > centre[j], i.e. code > floor(centre[j] / scale) (saturated to int8; a zero
  ;; scale makes the bound ±inf, or 0 for a zero centre, so that 0 > centre decides).
  (func $signs (export "signs")
    (param $codes i32) (param $scales i32) (param $n i32) (param $dim i32)
    (param $centre i32) (param $bits i32) (param $rowBytes i32)
    (local $row i32) (local $p i32) (local $end i32) (local $c i32) (local $out i32)
    (local $inv v128) (local $t v128)
    local.get $codes
    local.set $p
    block $done
      loop $rows
        local.get $row
        local.get $n
        i32.ge_u
        br_if $done
        f32.const 1
        local.get $scales
        local.get $row
        i32.const 2
        i32.shl
        i32.add
        f32.load
        f32.div
        f32x4.splat
        local.set $inv
        local.get $p
        local.get $dim
        i32.add
        local.set $end
        local.get $centre
        local.set $c
        local.get $bits
        local.get $row
        local.get $rowBytes
        i32.mul
        i32.add
        local.set $out
        block $rowDone
          loop $lanes
            local.get $p
            local.get $end
            i32.ge_u
            br_if $rowDone
            ;; the bound for 16 values: floor(centre / scale), narrowed with saturation
            local.get $c
            v128.load offset=0
            local.get $inv
            f32x4.mul
            f32x4.floor
            i32x4.trunc_sat_f32x4_s
            local.get $c
            v128.load offset=16
            local.get $inv
            f32x4.mul
            f32x4.floor
            i32x4.trunc_sat_f32x4_s
            i16x8.narrow_i32x4_s
            local.get $c
            v128.load offset=32
            local.get $inv
            f32x4.mul
            f32x4.floor
            i32x4.trunc_sat_f32x4_s
            local.get $c
            v128.load offset=48
            local.get $inv
            f32x4.mul
            f32x4.floor
            i32x4.trunc_sat_f32x4_s
            i16x8.narrow_i32x4_s
            i8x16.narrow_i16x8_s
            local.set $t
            local.get $out
            local.get $p
            v128.load
            local.get $t
            i8x16.gt_s
            i8x16.bitmask
            i32.store16
            local.get $out
            i32.const 2
            i32.add
            local.set $out
            local.get $c
            i32.const 64
            i32.add
            local.set $c
            local.get $p
            i32.const 16
            i32.add
            local.set $p
            br $lanes
          end
        end
        local.get $row
        i32.const 1
        i32.add
        local.set $row
        br $rows
      end
    end
  )
)
