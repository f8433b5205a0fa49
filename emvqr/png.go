package emvqr

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/boombuler/barcode/qr"
)

// quietZone is the white margin around a QR code, in modules, that
// scanners need to find it.
const quietZone = 4

// MaxPNGSize is the largest image PNG draws, in pixels per side.
const MaxPNGSize = 4096

// PNG renders payload as a QR code (error correction level M) in a
// size×size PNG image: black modules on white, centred, with a quiet zone
// of at least four modules. size must leave at least one pixel per module
// and be at most MaxPNGSize.
func PNG(payload string, size int) ([]byte, error) {
	if size < 1 || size > MaxPNGSize {
		return nil, fmt.Errorf("render QR code: size %d is outside 1 to %d", size, MaxPNGSize)
	}
	code, err := qr.Encode(payload, qr.M, qr.Auto)
	if err != nil {
		// The library's message repeats the payload; keep it out of logs.
		return nil, fmt.Errorf("render QR code: the payload does not fit a QR code")
	}
	modules := code.Bounds().Dx()
	scale := size / (modules + 2*quietZone)
	if scale < 1 {
		return nil, fmt.Errorf("render QR code: %d pixels cannot show %d modules and the quiet zone", size, modules)
	}
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	offset := (size - modules*scale) / 2
	for y := range modules {
		for x := range modules {
			if r, _, _, _ := code.At(x, y).RGBA(); r != 0 {
				continue
			}
			for dy := range scale {
				row := img.Pix[(offset+y*scale+dy)*img.Stride:]
				for dx := range scale {
					row[offset+x*scale+dx] = 1
				}
			}
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode PNG: %w", err)
	}
	return buf.Bytes(), nil
}
