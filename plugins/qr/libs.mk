LIBS_qr := -lqrencode
