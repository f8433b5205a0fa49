package emvqr

// crcTable is the CRC-16/CCITT-FALSE table: polynomial 0x1021, most
// significant bit first.
var crcTable = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

// CRC16 returns the CRC-16/CCITT-FALSE checksum of data (polynomial 0x1021,
// initial value 0xFFFF, no reflection, no final XOR), the checksum EMV QR
// payloads end with. CRC16([]byte("123456789")) is 0x29B1.
func CRC16(data []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, b := range data {
		crc = crc<<8 ^ crcTable[byte(crc>>8)^b]
	}
	return crc
}
