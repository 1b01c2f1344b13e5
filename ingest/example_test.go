package ingest_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/ingest"
)

func ExampleDecode() {
	const upload = "کد طرح,عنوان,هزینه (تومان),نشانگر جنسیتی\n" +
		"P-01,پیاده‌رو ایمن,۱۲۰٬۰۰۰٬۰۰۰,۲\n" +
		"P-02,کتابخانه,چهل,\n"
	_, err := ingest.Decode(strings.NewReader(upload), "طرح‌ها.csv", ingest.Options{Lang: "fa", CycleID: "kerman-1403"})
	var ve *pbequity.ValidationError
	if errors.As(err, &ve) {
		for _, e := range ve.Errors {
			fmt.Println(e.Row, e.Column, e.Message)
		}
	}

	b, _ := ingest.Decode(strings.NewReader(upload[:strings.LastIndex(upload[:len(upload)-1], "\n")+1]), "projects.csv", ingest.Options{})
	fmt.Println(b.Kind, b.Projects[0].ID, b.Projects[0].Cost, b.Projects[0].GenderMarker)
	// Output:
	// 3 هزینه (تومان) مقدار «چهل» عدد نیست
	// projects P-01 1200000000 2
}
