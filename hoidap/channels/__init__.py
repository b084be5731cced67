"""The ward's own channels: QR codes and printable document pages, the weekly digest, the widget."""
