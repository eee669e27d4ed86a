import { describe, expect, it } from 'vitest';
import { modelOfUrl } from './model-cache';

describe('modelOfUrl', () => {
  it('names Hub files by repository', () => {
    expect(
      modelOfUrl(
        'https://huggingface.co/Xenova/clip-vit-base-patch32/resolve/main/onnx/text_model_quantized.onnx',
      ),
    ).toBe('Xenova/clip-vit-base-patch32');
  });

  it('names self-hosted files by their folder under models/, on any sub-path', () => {
    expect(modelOfUrl('https://me.github.io/lumen/models/tiny-world/onnx/vision_model.onnx')).toBe(
      'tiny-world',
    );
    expect(modelOfUrl('http://127.0.0.1:4173/models/tiny-world/config.json')).toBe('tiny-world');
    expect(
      modelOfUrl('https://me.github.io/lumen/models/Xenova/clip-vit-base-patch32/onnx/x.onnx'),
    ).toBe('Xenova/clip-vit-base-patch32');
  });

  it('names the LAION head by its GitHub repository', () => {
    expect(
      modelOfUrl(
        'https://raw.githubusercontent.com/LAION-AI/aesthetic-predictor/main/sa_0_4_vit_b_32_linear.pth',
      ),
    ).toBe('LAION-AI/aesthetic-predictor');
  });

  it('names WebLLM files by repository too', () => {
    expect(
      modelOfUrl(
        'https://huggingface.co/mlc-ai/Qwen2.5-0.5B-Instruct-q4f16_1-MLC/resolve/main/params_shard_0.bin',
      ),
    ).toBe('mlc-ai/Qwen2.5-0.5B-Instruct-q4f16_1-MLC');
  });
});
