// Package emvqr encodes and decodes EMV® QR Code payloads in
// merchant-presented mode (EMVCo QRCPS-MPM), the format of Cashless
// PayCodes and payment request QR codes, and renders them as PNG images.
//
// A payload is a list of data objects, each written as a two-digit ID, a
// two-digit length and the value. Lengths count characters (Unicode code
// points), not bytes, so that the language template can carry names such as
// "最佳运输". Some IDs are templates (26 to 51, 62, 64 and 80 to 99) whose
// value is itself a list of data objects. Every payload starts with the
// payload format indicator (ID 00) and ends with a CRC (ID 63) over
// everything before its value, which lets a reader reject a misread or
// tampered code.
package emvqr
